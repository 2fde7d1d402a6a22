package ai.backend.client;

import ai.backend.client.internal.AdminWire;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The non-blocking {@link Admin}: the same calls, each returning a future at once. Obtain with {@link
 * AsyncSession#admin()}.
 */
public final class AsyncAdmin {
  private final Session session;

  AsyncAdmin(Session session) {
    this.session = session;
  }

  /** See {@link Admin#listSessions}. */
  public CompletableFuture<ComputeSessionPage> listSessions(ComputeSessionListQuery query) {
    return session.core().callAsync(() -> AdminWire.listSessions(session.dialect(), query));
  }

  /** See {@link Admin#sessionInfo}. */
  public CompletableFuture<ComputeSessionInfo> sessionInfo(String name) {
    try {
      return Kernel.of(session, name).async().info();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** See {@link Admin#keypair}. */
  public CompletableFuture<KeypairInfo> keypair() {
    return session.core().callAsync(() -> AdminWire.keypair(session.dialect()));
  }

  /** See {@link Admin#graphql}. */
  public CompletableFuture<Map<String, Object>> graphql(String query, Map<String, ?> variables) {
    return session.core().callAsync(() -> AdminWire.query(session.dialect(), query, variables));
  }
}
