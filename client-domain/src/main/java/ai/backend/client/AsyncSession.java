package ai.backend.client;

import java.util.Objects;

/**
 * The non-blocking face of a {@link Session}: hands out {@link AsyncKernel}, {@link AsyncAdmin} and
 * {@link AsyncEvents}, whose calls return futures. It shares the session's transport, version and
 * threads.
 *
 * <p>Who owns what: an {@code AsyncSession} from {@link #open()}, {@link #open(Config)} or {@link
 * Session.Builder#buildAsync()} owns its session, and closing it releases every connection and thread.
 * One from {@link Session#async()} is only a view: closing the view does nothing, the {@link Session}
 * stays open and is closed by whoever opened it.
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
  private final boolean owner;

  AsyncSession(Session session, boolean owner) {
    this.session = Objects.requireNonNull(session, "session");
    this.owner = owner;
  }

  /** Opens from the environment, like {@link Session#open()} (the version probe is a short blocking call). */
  public static AsyncSession open() {
    return new AsyncSession(Session.open(), true);
  }

  /** Opens with this configuration, like {@link Session#open(Config)}. */
  public static AsyncSession open(Config config) {
    return new AsyncSession(Session.open(config), true);
  }

  /** The blocking session underneath (the same connection; closing it closes this one too). */
  public Session sync() {
    return session;
  }

  /** See {@link Session#apiVersion()}. */
  public ApiVersion apiVersion() {
    return session.apiVersion();
  }

  /** See {@link Session#serverInfo()}. */
  public ServerInfo serverInfo() {
    return session.serverInfo();
  }

  /** See {@link Session#config()}. */
  public Config config() {
    return session.config();
  }

  /** See {@link Session#transportName()}. */
  public String transportName() {
    return session.transportName();
  }

  /** See {@link Session#lastRateLimit()}. */
  public java.util.Optional<RateLimit> lastRateLimit() {
    return session.lastRateLimit();
  }

  /** Listing, keypair info and GraphQL. */
  public AsyncAdmin admin() {
    return new AsyncAdmin(session);
  }

  /** Virtual folders; transfers run on the session's worker threads. */
  public AsyncVFolders vfolders() {
    return new AsyncVFolders(session);
  }

  /** Session lifecycle events (SSE). */
  public AsyncEvents events() {
    return new AsyncEvents(session);
  }

  /** Closes the session if this object owns it (see the class comment); a view's close does nothing. */
  @Override
  public void close() {
    if (owner) {
      session.close();
    }
  }

  @Override
  public String toString() {
    return "Async" + session;
  }
}
