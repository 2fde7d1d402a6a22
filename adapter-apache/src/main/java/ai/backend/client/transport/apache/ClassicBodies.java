package ai.backend.client.transport.apache;

import ai.backend.client.port.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.FileEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;

/** {@link RequestBody} to classic entities; content types travel as request headers instead. */
final class ClassicBodies {
  private ClassicBodies() {}

  static HttpEntity entity(RequestBody body) {
    if (body instanceof RequestBody.Empty) {
      return new ByteArrayEntity(new byte[0], null);
    }
    if (body instanceof RequestBody.Bytes b) {
      return new ByteArrayEntity(b.data(), null);
    }
    if (body instanceof RequestBody.FileBody f) {
      return new FileEntity(f.file().toFile(), (ContentType) null);
    }
    if (body instanceof RequestBody.Stream s) {
      return new InputStreamEntity(s.stream().get(), s.contentLength(), null);
    }
    throw new IllegalArgumentException("multipart must be encoded with a boundary: " + body);
  }

  /**
   * The same encoder as the async client (not MultipartEntityBuilder, whose modes either drop per-part
   * Content-Type or percent-encode UTF-8 file names), so both paths put identical bytes on the wire.
   * Parts are opened as the entity is written: files stream from disk.
   */
  static HttpEntity multipart(RequestBody.Multipart m, String boundary) {
    return new AbstractHttpEntity((String) null, null, true) {
      @Override
      public InputStream getContent() {
        return MultipartStream.open(m, boundary);
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = getContent()) {
          in.transferTo(out);
        }
      }

      @Override
      public boolean isRepeatable() {
        return m.repeatable();
      }

      @Override
      public long getContentLength() {
        return -1;
      }

      @Override
      public boolean isStreaming() {
        return false;
      }

      @Override
      public void close() {}
    };
  }
}
