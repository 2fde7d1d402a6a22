package ai.backend.client.testsupport;

import ai.backend.client.port.Hmac;
import ai.backend.transport.tck.HmacTck;
import ai.backend.transport.tck.ReferenceHmac;

/** The HMAC these tests sign with passes the table every adapter's must match. */
class ReferenceHmacTest extends HmacTck {
  @Override
  protected Hmac hmac() {
    return new ReferenceHmac();
  }
}
