package io.dirsync.engine;

import io.dirsync.scim.ScimDirectoryTypeFactory;
import io.dirsync.storage.DirectoryEntity;

/** A directory that is never stored, for the tests of pure translation code (SCIM parsing, limits). */
public final class UnsavedDirectories {

    private UnsavedDirectories() {
    }

    /** A SCIM directory named {@code name} with these settings (JSON). */
    public static Directory scim(String name, String settingsJson) {
        DirectoryEntity e = new DirectoryEntity();
        e.setId("00000000-0000-0000-0000-000000000001");
        e.setRealmId("realm");
        e.setType("scim");
        e.setName(name);
        e.setStatus("active");
        e.setSettings(settingsJson);
        return new Directory(e, new ScimDirectoryTypeFactory());
    }
}
