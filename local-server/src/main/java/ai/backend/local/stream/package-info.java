/**
 * WebSocket streams of a session (spec §8): terminal ({@link ai.backend.local.stream.PtyEndpoint}),
 * streaming execute ({@link ai.backend.local.stream.ExecuteEndpoint}) and the TCP app proxy
 * ({@link ai.backend.local.stream.TcpProxyEndpoint}), tied to their session's and the server's
 * lifetime by {@link ai.backend.local.stream.StreamHub}. Routes and the upgrade live in
 * {@code ai.backend.local.api.StreamApi}.
 */
package ai.backend.local.stream;
