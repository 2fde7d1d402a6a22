package ai.backend.local.api;

/** A route's handler. */
@FunctionalInterface
public interface Endpoint {
  HttpReply handle(ApiCall call) throws Exception;
}
