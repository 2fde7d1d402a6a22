package ai.backend.client;

import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.GraphQLException;
import ai.backend.client.internal.AdminWire;
import java.util.Map;

/**
 * Listing and admin calls over GraphQL (spec §7): the endpoint ({@code /admin/graphql} or {@code
 * /admin/gql}) and the query shapes follow the negotiated version. Obtain with {@link Session#admin()};
 * {@link AsyncAdmin} is the same calls returning futures.
 */
public final class Admin {
  private final Session session;

  Admin(Session session) {
    this.session = session;
  }

  /**
   * One page of sessions. v4.20181215 servers filter by one status and do not page, so several statuses
   * and the page window are applied client-side there (the total is then the filtered count).
   */
  public ComputeSessionPage listSessions(ComputeSessionListQuery query) {
    return session.core().call(AdminWire.listSessions(session.dialect(), query));
  }

  /** The REST session info ({@code GET /session/<name>}); the same as {@code Kernel.of(session, name).info()}. */
  public ComputeSessionInfo sessionInfo(String name) {
    return Kernel.of(session, name).info();
  }

  /** The caller's own keypair (no secret key). */
  public KeypairInfo keypair() {
    return session.core().call(AdminWire.keypair(session.dialect()));
  }

  /**
   * Any GraphQL query; returns the {@code data} object as plain Java values (Map, List, String, Long,
   * Double, Boolean).
   *
   * @throws GraphQLException when {@code /admin/gql} answers with errors
   * @throws BackendApiException when the legacy endpoint answers with an error status
   */
  public Map<String, Object> graphql(String query, Map<String, ?> variables) {
    return session.core().call(AdminWire.query(session.dialect(), query, variables));
  }
}
