package io.dirsync.enrollment;

import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * Sends what is due: first e-mails after a sync, reminders (2 days, then 8 days later), new links after 30 days. Runs
 * under {@code ClusterAwareScheduledTaskRunner} (one node at a time); each enrollment is also locked while it is
 * handled, so a repeat on another node sends nothing twice.
 */
public class EnrollmentTask implements ScheduledTask {

    @Override
    public void run(KeycloakSession session) {
        Enrollments.of(session).tick();
    }

    @Override
    public String getTaskName() {
        return EnrollmentActionTokenHandler.TASK;
    }
}
