package ai.backend.client.transport.jdk;

import ai.backend.client.port.TransportProvider;
import ai.backend.transport.tck.TransportTck;

/** The transport TCK against the {@code java.net.http} adapter. */
class JdkTransportTckTest extends TransportTck {
  @Override
  protected TransportProvider provider() {
    return new JdkTransportProvider();
  }
}
