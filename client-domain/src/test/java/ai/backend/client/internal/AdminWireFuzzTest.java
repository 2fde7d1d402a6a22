package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.errors.BackendException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpResponse;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Fuzzes the GraphQL response handlers of {@link AdminWire} (session list pages, keypair, raw data)
 * with arbitrary bodies, for a v4, a v4.20190615 and a current dialect: a value, a typed {@link
 * BackendException} (a GraphQL error), or what {@link ApiCore} reports as a malformed response
 * ({@link JsonParseException}, {@link IllegalStateException}, {@link ClassCastException}).
 */
class AdminWireFuzzTest {
  private static final List<Dialect> DIALECTS = List.of(
      Dialect.of(ApiVersion.V4_20181215),
      Dialect.of(ApiVersion.V4_20190615),
      Dialect.of(ApiVersion.CLIENT_DEFAULT));
  private static final List<ComputeSessionListQuery> QUERIES = List.of(
      ComputeSessionListQuery.of(),
      ComputeSessionListQuery.of("RUNNING", "TERMINATED").page(2, 1));

  @FuzzTest(maxDuration = "2m")
  void handlers(byte[] body) throws IOException {
    for (Dialect d : DIALECTS) {
      handle(AdminWire.dataHandler(d), body);
      handle(AdminWire.keypairHandler(d), body);
      for (ComputeSessionListQuery q : QUERIES) {
        handle(AdminWire.sessionPageHandler(d, q), body);
      }
    }
  }

  private static void handle(ResponseHandler<?> h, byte[] body) throws IOException {
    try {
      h.handle(response(body));
    } catch (JsonParseException
        | IllegalStateException
        | ClassCastException
        | BackendException expected) {
      // malformed, or the server's GraphQL error
    }
  }

  private static HttpResponse response(byte[] body) {
    InputStream in = new ByteArrayInputStream(body);
    return new HttpResponse() {
      @Override
      public int status() {
        return 200;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of("content-type", "application/json");
      }

      @Override
      public InputStream body() {
        return in;
      }

      @Override
      public void close() {}
    };
  }
}
