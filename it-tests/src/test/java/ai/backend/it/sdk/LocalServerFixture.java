package ai.backend.it.sdk;

import ai.backend.local.LocalServer;
import java.net.URI;

/** An in-process local-server on a free port, shared by the tests of one class. */
final class LocalServerFixture implements AutoCloseable {
  private final LocalServer server;
  final URI uri;
  final String accessKey;
  final String secretKey;

  private LocalServerFixture(LocalServer server) {
    this.server = server;
    this.uri = server.uri();
    this.accessKey = server.accessKey();
    this.secretKey = server.secretKey();
  }

  static LocalServerFixture start() {
    return new LocalServerFixture(LocalServer.builder().port(0).start());
  }

  @Override
  public void close() {
    server.close();
  }
}
