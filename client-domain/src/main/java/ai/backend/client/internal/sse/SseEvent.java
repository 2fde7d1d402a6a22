package ai.backend.client.internal.sse;

/**
 * One dispatched server-sent event.
 *
 * @param event the event type; {@code "message"} when the server sent no {@code event:} field
 * @param data the data lines joined with {@code '\n'} (no trailing newline)
 * @param id the last event ID in effect (persists across events, as the HTML spec says); empty
 *     when none was ever sent
 * @param retryMillis the latest {@code retry:} value received so far, or {@code null} if none; a
 *     raw number, which the HTML spec defines as milliseconds
 */
public record SseEvent(String event, String data, String id, Long retryMillis) {}
