/**
 * The fault suite: the SDK against a server that misbehaves on purpose (OkHttp's MockWebServer with
 * socket effects, on a free loopback port), over both adapters and through both the blocking and
 * the future-returning API. It proves that every fault ends in the documented {@code
 * BackendException} subclass or in a correct retry (idempotent requests only, within the policy's
 * budget, counted on the server), within the configured timeouts, and that closing the session
 * leaves no connection, thread or temporary file behind. docs/testing.md lists the faults and
 * their outcomes.
 */
package ai.backend.it.fault;
