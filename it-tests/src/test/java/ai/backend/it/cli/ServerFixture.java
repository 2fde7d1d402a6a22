package ai.backend.it.cli;

import ai.backend.local.LocalServer;
import java.net.URI;
import java.nio.file.Path;

/** An in-process {@link LocalServer} on a free port with a known keypair, for the CLI to talk to. */
final class ServerFixture implements AutoCloseable {
  static final String ACCESS_KEY = "AKIACLITESTKEY000001";
  static final String SECRET_KEY = "cli-test-secret-key-0123456789abcdefghijk";

  private final LocalServer server;
  final URI uri;

  private ServerFixture(LocalServer server) {
    this.server = server;
    this.uri = server.uri();
  }

  /** Starts the server; a server that cannot start fails the test (it is never skipped). */
  static ServerFixture start(Path stateDir) {
    return new ServerFixture(
        LocalServer.builder()
            .port(0)
            .accessKey(ACCESS_KEY)
            .secretKey(SECRET_KEY)
            .stateDir(stateDir)
            .start());
  }

  /** The environment pointing the CLI at this server. */
  Launcher launcher() {
    return new Launcher().env("BACKEND_ENDPOINT", uri.toString()).env("BACKEND_ACCESS_KEY", ACCESS_KEY)
        .env("BACKEND_SECRET_KEY", SECRET_KEY);
  }

  @Override
  public void close() {
    server.close();
  }
}
