/** The transport on Apache HttpClient 5, with Bouncy Castle's digests for signing. */
// HttpClient 5 has no module-info yet, only Automatic-Module-Name; h2 is required so that a module
// layer
// resolves it too (an automatic module declares no dependencies, and the async client needs it)
@SuppressWarnings("requires-automatic")
module ai.backend.client.transport.apache {
  requires ai.backend.client.port;
  requires org.apache.httpcomponents.client5.httpclient5;
  requires org.apache.httpcomponents.core5.httpcore5;
  requires org.apache.httpcomponents.core5.httpcore5.h2;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  provides ai.backend.client.port.TransportProvider with
      ai.backend.client.transport.apache.ApacheTransportProvider;
}
