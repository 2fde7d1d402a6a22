package ai.backend.it.transport;

import ai.backend.client.port.TransportProvider;
import ai.backend.client.transport.jdk.JdkTransportProvider;

/** The TCK against the java.net.http adapter. */
class JdkTransportTckTest extends TransportTck {
  @Override
  protected TransportProvider provider() {
    return new JdkTransportProvider();
  }
}
