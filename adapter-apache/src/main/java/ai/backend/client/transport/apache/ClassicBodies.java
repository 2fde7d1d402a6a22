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
    RequestBody.Stream s = (RequestBody.Stream) body;
    return s.repeatable()
        ? repeatable(s)
        : new InputStreamEntity(s.stream().get(), s.contentLength(), null);
  }

  /**
   * A stream opened afresh each time the entity is written (e.g. the domain's multipart encoding), so
   * that a stale pooled connection may be retried with it; the content is read as it is sent.
   */
  private static HttpEntity repeatable(RequestBody.Stream s) {
    return new AbstractHttpEntity((String) null, null, s.contentLength() < 0) {
      @Override
      public InputStream getContent() {
        return s.stream().get();
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        // 64 KiB at a time (transferTo's 8 KiB meant eight times the reads and socket writes for a
        // multi-GiB upload); writes this large bypass the connection's buffer
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = getContent()) {
          for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
          }
        }
      }

      @Override
      public boolean isRepeatable() {
        return true;
      }

      @Override
      public long getContentLength() {
        return s.contentLength();
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
