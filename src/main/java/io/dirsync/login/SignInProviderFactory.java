package io.dirsync.login;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;

import io.dirsync.engine.DirSyncEvent;

/**
 * The user-storage provider {@code dirsync-sign-in} ({@link SignInProvider}). A realm gets one, named
 * "Directory Sync: sign-in", when one of its directories is saved (created or changed): from then on its users sign in
 * with their username or any alias. Removing it from the realm's User federation page turns that off until a directory
 * is saved again.
 */
public class SignInProviderFactory implements UserStorageProviderFactory<SignInProvider> {

    public static final String ID = "dirsync-sign-in";
    static final String NAME = "Directory Sync: sign-in";

    private static final Logger LOG = Logger.getLogger(SignInProviderFactory.class);

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getHelpText() {
        return "Keycloak Directory Sync: users sign in with any of their Username Alias 1..8.";
    }

    @Override
    public SignInProvider create(KeycloakSession session, ComponentModel model) {
        return new SignInProvider(session);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof DirSyncEvent.DirectorySaved saved) {
                ensure(saved.realm());
            }
        });
    }

    /** Adds the realm's sign-in provider if it has none; asked last, after the realm's own users and other providers. */
    static void ensure(RealmModel realm) {
        boolean present = realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
            .anyMatch(c -> ID.equals(c.getProviderId()));
        if (present) {
            return;
        }
        UserStorageProviderModel model = new UserStorageProviderModel();
        model.setName(NAME);
        model.setProviderId(ID);
        model.setProviderType(UserStorageProvider.class.getName());
        model.setParentId(realm.getId());
        model.setPriority(1000);
        model.setEnabled(true);
        realm.addComponentModel(model);
        LOG.infof("Realm %s: directory users sign in with their aliases (user storage '%s')", realm.getName(), NAME);
    }
}
