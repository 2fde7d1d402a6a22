package ai.backend.local;

import ai.backend.local.api.Router;
import ai.backend.local.security.KeyRing;
import ai.backend.local.sessions.SessionRegistry;
import java.time.Clock;

/** Registers the routes beyond the core (files, GraphQL, events). */
final class ServerExtensions {
  private ServerExtensions() {}

  static void register(Router router, SessionRegistry registry, KeyRing keys, Clock clock) {}
}
