package ai.backend.local.api;

import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers by itself (a malformed request line, headers over the limit, a failure outside
 * the API handler) as problem+json like every other error, instead of Jetty's HTML page: no server
 * detail, no stack trace.
 */
public final class ProblemErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attr = request.getAttribute(ERROR_STATUS);
    if (attr instanceof Integer i) {
      status = i;
    }
    if (status < 400) {
      status = 500;
    }
    byte[] body = body(status);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  // Jetty 12.1 deprecates this hook for removal; while it exists it shapes the answer to requests
  // Jetty
  // cannot parse, which would otherwise not be a problem document
  @SuppressWarnings("removal")
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    return ByteBuffer.wrap(body(status));
  }

  static byte[] body(int status) {
    JsonObject o = new JsonObject();
    // 505: the client sent something that is not HTTP/1.x; its fault, whatever the status class
    // says
    boolean server = status >= 500 && status != HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505;
    o.addProperty(
        "type", Problems.PREFIX + (server ? "internal-server-error" : "generic-bad-request"));
    o.addProperty("title", HttpStatus.getMessage(status) + ".");
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }
}
