package io.dirsync.it;

import java.util.Comparator;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/**
 * The order of the test classes (surefire's {@code junit.jupiter.testclass.order.default}, pom.xml): plain classes
 * first, then the server tests grouped by their server config, so that Keycloak restarts only when the config changes —
 * what the test framework's own {@code ServerConfigClassOrderer} means to do. Its comparator is not an order (a plain
 * class and a server test each compare as greater than the other), so JUnit's sort fails at discovery ("Comparison
 * method violates its general contract") for some mixes of classes: it did when a class with a server config of its
 * own was added. This one is a total order; the sort is stable within a config.
 */
public class ServerConfigOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparing(ServerConfigOrder::configName,
            Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** The class's server config, or null for a class without a server. */
    static String configName(ClassDescriptor descriptor) {
        return descriptor.findAnnotation(KeycloakIntegrationTest.class).map(a -> a.config().getName()).orElse(null);
    }
}
