package ai.backend.client.internal;

import ai.backend.client.port.HttpResponse;
import java.io.IOException;

/**
 * Turns a successful (2xx) response into a value. The caller closes the response afterwards, so a
 * handler must not return anything that still reads from it.
 */
@FunctionalInterface
public interface ResponseHandler<T> {
  T handle(HttpResponse response) throws IOException;
}
