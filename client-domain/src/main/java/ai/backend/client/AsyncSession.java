package ai.backend.client;

import java.util.Objects;

/**
 * The non-blocking face of a {@link Session}: hands out {@link AsyncKernel}s whose calls return
 * futures. It shares the session's transport, version and threads; closing either closes both and
 * releases every connection and thread.
 *
 * <pre>{@code
 * try (AsyncSession session = AsyncSession.open()) {
 *   AsyncKernel.getOrCreate(session, "python")
 *       .thenCompose(k -> k.execute("print(1)").thenCompose(r -> k.destroy()))
 *       .join();
 * }
 * }</pre>
 */
public final class AsyncSession implements AutoCloseable {
  private final Session session;

  AsyncSession(Session session) {
    this.session = Objects.requireNonNull(session, "session");
  }

  /** Opens from the environment, like {@link Session#open()} (the version probe is a short blocking call). */
  public static AsyncSession open() {
    return Session.open().async();
  }

  /** Opens with this configuration. */
  public static AsyncSession open(Config config) {
    return Session.builder().config(config).build().async();
  }

  /** The blocking session underneath. */
  public Session session() {
    return session;
  }

  public ApiVersion apiVersion() {
    return session.apiVersion();
  }

  /** Listing and GraphQL ({@code …Async} methods). */
  public Admin admin() {
    return session.admin();
  }

  /** Session events. */
  public Events events() {
    return session.events();
  }

  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "Async" + session;
  }
}
