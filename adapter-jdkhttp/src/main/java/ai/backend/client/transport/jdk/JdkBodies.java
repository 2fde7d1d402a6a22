package ai.backend.client.transport.jdk;

import ai.backend.client.port.RequestBody;
import ai.backend.client.port.TransportException;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

/** {@link RequestBody} to {@link BodyPublisher}. */
final class JdkBodies {
  private JdkBodies() {}

  static BodyPublisher publisher(RequestBody body) {
    if (body instanceof RequestBody.Empty) {
      return BodyPublishers.noBody();
    }
    if (body instanceof RequestBody.Bytes b) {
      return BodyPublishers.ofByteArray(b.data());
    }
    if (body instanceof RequestBody.FileBody f) {
      try {
        return BodyPublishers.ofFile(f.file());
      } catch (FileNotFoundException e) {
        throw new TransportException(TransportException.Kind.IO, "cannot read " + f.file(), e);
      }
    }
    RequestBody.Stream s = (RequestBody.Stream) body;
    if (s.contentLength() == 0) {
      return BodyPublishers.noBody(); // fromPublisher refuses a length of 0
    }
    // the supplier is called per subscription: a repeatable stream (e.g. the domain's multipart
    // encoding) is opened afresh if the client sends the request again
    BodyPublisher p = BodyPublishers.ofInputStream(s.stream());
    // with a known length the request carries Content-Length instead of chunked encoding
    return s.contentLength() >= 0 ? BodyPublishers.fromPublisher(p, s.contentLength()) : p;
  }
}
