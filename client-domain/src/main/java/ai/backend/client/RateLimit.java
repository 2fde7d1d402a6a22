package ai.backend.client;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The {@code X-RateLimit-*} headers of a response (spec §10): a rolling window per access key. Values
 * the server did not send (or sent as {@code None}) are empty.
 *
 * @param limit requests allowed per window
 * @param remaining requests left in the current window
 * @param window the window length (900 s on every known server), or null
 */
public record RateLimit(OptionalLong limit, OptionalLong remaining, Duration window) {}
