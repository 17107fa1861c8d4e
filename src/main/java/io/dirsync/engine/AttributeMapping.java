package io.dirsync.engine;

/**
 * One optional mapping of a directory: a source attribute (a SCIM path such as
 * {@code urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber}, an LDAP attribute,
 * a Graph property) to a Keycloak user-profile attribute ({@code alias1}..{@code alias8}, {@code phone}, ...).
 */
public record AttributeMapping(String source, String target) {
}
