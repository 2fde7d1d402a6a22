package ai.backend.client.internal;

import ai.backend.client.port.HttpResponse;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** Common {@link ResponseHandler}s. JSON failures surface as {@code MalformedResponseException} from the core. */
public final class Handlers {
  /**
   * The most a response read into memory may hold. The API's answers are far smaller; a body that
   * goes past this (a broken proxy or server streaming without end) must not exhaust the heap.
   */
  public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

  private Handlers() {}

  /**
   * The whole body, at most {@link #MAX_BODY_BYTES}; more fails with {@link BodyTooLargeException}
   * (an {@code IOException}) without reading further.
   */
  public static byte[] readBody(HttpResponse r) throws IOException {
    return readBody(r.body(), MAX_BODY_BYTES);
  }

  static byte[] readBody(InputStream in, int limit) throws IOException {
    byte[] b = in.readNBytes(limit);
    if (b.length == limit && in.read() >= 0) {
      throw new BodyTooLargeException(limit);
    }
    return b;
  }

  /** Reads and drops the body. */
  public static ResponseHandler<Void> discard() {
    return r -> {
      r.body().transferTo(java.io.OutputStream.nullOutputStream());
      return null;
    };
  }

  public static ResponseHandler<byte[]> bytes() {
    return r -> readBody(r);
  }

  public static ResponseHandler<String> string() {
    return r -> new String(readBody(r), StandardCharsets.UTF_8);
  }

  /** Any JSON value; an empty body gives {@code JsonNull}. */
  public static ResponseHandler<JsonElement> json() {
    return r -> {
      byte[] b = readBody(r);
      return b.length == 0 ? com.google.gson.JsonNull.INSTANCE : Json.parse(b);
    };
  }

  /** A JSON object; anything else is malformed. */
  public static ResponseHandler<JsonObject> jsonObject() {
    return r -> Json.parseObject(readBody(r));
  }

  /** A JSON body mapped with Gson. */
  public static <T> ResponseHandler<T> json(Type type) {
    return r -> Json.gson().fromJson(new String(readBody(r), StandardCharsets.UTF_8), type);
  }

  /** JSON as plain Java values (Map, List, String, Long, Double, Boolean). */
  public static ResponseHandler<Object> plain() {
    return r -> {
      byte[] b = readBody(r);
      return b.length == 0 ? null : Json.toPlain(Json.parse(b));
    };
  }
}
