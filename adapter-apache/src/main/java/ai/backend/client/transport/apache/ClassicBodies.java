package ai.backend.client.transport.apache;

import ai.backend.client.port.RequestBody;
import org.apache.hc.client5.http.entity.mime.ByteArrayBody;
import org.apache.hc.client5.http.entity.mime.ContentBody;
import org.apache.hc.client5.http.entity.mime.FileBody;
import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.InputStreamBody;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
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

  /** Streams file parts from disk when written (MultipartEntityBuilder does not buffer bodies). */
  static HttpEntity multipart(RequestBody.Multipart m, String boundary) {
    MultipartEntityBuilder b = MultipartEntityBuilder.create()
        .setMode(HttpMultipartMode.EXTENDED) // RFC 7578: UTF-8 file names as they are
        .setBoundary(boundary);
    for (RequestBody.Part part : m.parts()) {
      b.addPart(part.name(), body(part));
    }
    return b.build();
  }

  private static ContentBody body(RequestBody.Part part) {
    RequestBody content = part.content();
    ContentType type = content.contentType() == null ? ContentType.APPLICATION_OCTET_STREAM
        : ContentType.parse(content.contentType());
    if (content instanceof RequestBody.FileBody f && part.filename() != null) {
      return new FileBody(f.file().toFile(), type, part.filename());
    }
    if (content instanceof RequestBody.Bytes bytes) {
      return new ByteArrayBody(bytes.data(), type, part.filename());
    }
    return new InputStreamBody(MultipartStream.content(content), type, part.filename(), content.contentLength());
  }
}
