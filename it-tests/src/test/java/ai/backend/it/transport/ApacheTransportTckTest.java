package ai.backend.it.transport;

import ai.backend.client.port.TransportProvider;
import ai.backend.client.transport.apache.ApacheTransportProvider;

/** The TCK against the Apache HttpClient 5 adapter. */
class ApacheTransportTckTest extends TransportTck {
  @Override
  protected TransportProvider provider() {
    return new ApacheTransportProvider();
  }
}
