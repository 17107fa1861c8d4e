package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.exceptions.ResourceConflictException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.messages.ListResponse;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.Member;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** UnboundID's SCIM 2 SDK client, a real client, against the endpoint: create, filter, PUT, PATCH, delete, groups. */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimSdkClientTest extends DirSyncIntegrationTest {

    Client client;
    ScimService scim;

    @BeforeEach
    void setUp() {
        DirSync.ScimDirectory directory = new DirSync(admin, realm, urls.getBase()).scimDirectory("SDK Client");
        client = ClientBuilder.newClient().register((jakarta.ws.rs.client.ClientRequestFilter) request ->
            request.getHeaders().putSingle("Authorization", "Bearer " + directory.token()));
        scim = new ScimService(client.target(directory.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void theSdkClientDrivesUsersAndGroups() throws Exception {
        ServiceProviderConfigResource spc = scim.getServiceProviderConfig();
        assertTrue(spc.getPatch().isSupported());
        assertTrue(spc.getEtag().isSupported());

        UserResource user = new UserResource().setUserName("sdk.user@corp.test")
            .setName(new Name().setGivenName("Sdk").setFamilyName("User"))
            .setEmails(List.of(new Email().setValue("sdk.user@corp.test").setType("work").setPrimary(true)))
            .setActive(true);
        user.setExternalId("sdk-1");
        UserResource created = scim.create("Users", user);
        assertEquals("sdk.user@corp.test", created.getUserName());
        String id = created.getId();
        assertEquals("User", realm.admin().users().get(id).toRepresentation().getLastName());

        ListResponse<UserResource> found = scim.searchRequest("Users")
            .filter(Filter.eq("userName", "SDK.USER@corp.test").toString())
            .invoke(UserResource.class);
        assertEquals(1, found.getTotalResults());
        assertEquals(id, found.getResources().get(0).getId());
        assertThrows(ResourceConflictException.class, () -> scim.create("Users", user));

        UserResource read = scim.retrieve("Users", id, UserResource.class);
        read.setName(new Name().setGivenName("Sdk").setFamilyName("Replaced"));
        UserResource replaced = scim.replace(read);
        assertEquals("Replaced", replaced.getName().getFamilyName());

        UserResource patched = scim.modifyRequest("Users", id).replaceValue("name.givenName", "Patched")
            .attributes("name").invoke(UserResource.class);
        assertEquals("Patched", patched.getName().getGivenName());
        UserRepresentation kc = realm.admin().users().get(id).toRepresentation();
        assertEquals("Patched", kc.getFirstName());
        assertEquals("Replaced", kc.getLastName());

        GroupResource group = new GroupResource().setDisplayName("SDK Team").setMembers(List.of(new Member().setValue(id)));
        GroupResource createdGroup = scim.create("Groups", group);
        assertEquals(1, realm.admin().groups().group(createdGroup.getId()).members().size());
        scim.modifyRequest("Groups", createdGroup.getId()).removeValues("members[value eq \"" + id + "\"]").invoke(GroupResource.class);
        assertEquals(0, realm.admin().groups().group(createdGroup.getId()).members().size());

        scim.delete("Users", id);
        assertThrows(ResourceNotFoundException.class, () -> scim.retrieve("Users", id, UserResource.class));
        assertFalse(realm.admin().users().get(id).toRepresentation().isEnabled(), "deleted users wait in the trash, disabled");
        scim.delete("Groups", createdGroup.getId());
        assertThrows(ResourceNotFoundException.class, () -> scim.retrieve("Groups", createdGroup.getId(), GroupResource.class));
    }
}
