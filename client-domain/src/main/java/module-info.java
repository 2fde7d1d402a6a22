/**
 * The Backend.AI SDK: {@code ai.backend.client} (sessions, kernels, admin, events) and {@code
 * ai.backend.client.errors}. The {@code internal} packages are the CLI's too, and nobody else's.
 */
@SuppressWarnings("module") // the CLI is not on this module's path when it is compiled
module ai.backend.client {
  requires transitive ai.backend.client.port;
  requires com.google.gson;

  exports ai.backend.client;
  exports ai.backend.client.errors;
  exports ai.backend.client.internal to
      ai.backend.client.cli;
  exports ai.backend.client.internal.files to
      ai.backend.client.cli;
  exports ai.backend.client.internal.signing to
      ai.backend.client.cli;
  exports ai.backend.client.internal.sse to
      ai.backend.client.cli;
  exports ai.backend.client.internal.stream to
      ai.backend.client.cli;

  // Gson maps response bodies onto these types by reflection (Handlers.json)
  opens ai.backend.client to
      com.google.gson;
  opens ai.backend.client.internal to
      com.google.gson;

  uses ai.backend.client.port.TransportProvider;
}
