package ai.backend.client.transport.apache;

import ai.backend.client.port.TransportProvider;
import ai.backend.transport.tck.TransportTck;

/** The transport TCK against the Apache HttpClient 5 adapter. */
class ApacheTransportTckTest extends TransportTck {
  @Override
  protected TransportProvider provider() {
    return new ApacheTransportProvider();
  }
}
