/**
 * The JSON the directory-sync admin API answers with, as records, so that the console's types (and later other front
 * doors) can be checked against one definition instead of ad-hoc maps.
 *
 * <p>Nulls: Keycloak serialises REST answers and admin-event representations with {@code NON_NULL} as its default
 * inclusion, which drops null record components and null map values alike. These records carry no class-level
 * {@code @JsonInclude}, so a null field is left out exactly as the former maps' null entries were; with a plain
 * {@code ObjectMapper} the same null keys are written as the maps wrote them. Only a key the maps put conditionally
 * (a user's {@code deleteAfter}) is {@code NON_NULL} on its own component.
 */
package io.dirsync.admin.representation;
