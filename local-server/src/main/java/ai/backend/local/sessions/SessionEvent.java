package ai.backend.local.sessions;

/**
 * A lifecycle event, e.g. {@code session_started}; the kernel-scope counterpart of each session
 * event is derived by the subscriber.
 *
 * @param name the session-scope event name ({@code session_enqueued}, {@code session_started}, ...)
 * @param sessionId the session UUID
 * @param exitCode set for termination events of sessions whose kernel reported one, else null
 */
public record SessionEvent(
    String name,
    String sessionId,
    String sessionName,
    String owner,
    String reason,
    Integer exitCode) {}
