/**
 * The transport port: what the SDK needs from an HTTP client, implemented by the adapter modules and
 * found with {@link java.util.ServiceLoader}. The TLS and WebSocket helpers are shared by the adapters
 * only.
 */
@SuppressWarnings("module") // the adapters are not on this module's path when it is compiled
module ai.backend.client.port {
  requires transitive java.net.http;

  exports ai.backend.client.port;
  exports ai.backend.client.port.tls to
      ai.backend.client.transport.jdk,
      ai.backend.client.transport.apache;
  exports ai.backend.client.port.websocket to
      ai.backend.client.transport.jdk,
      ai.backend.client.transport.apache;

  uses ai.backend.client.port.TransportProvider;
}
