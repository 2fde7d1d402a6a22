package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.backend.client.Config;
import ai.backend.client.KeypairInfo;
import ai.backend.client.Session;
import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every hash type of spec §2.3 signs a request local-server accepts, through adapter-apache, whose
 * Bouncy Castle HMAC covers BLAKE2 as well (the JDK's javax.crypto has none).
 */
@ExtendWith(LocalServerExtension.class)
class HashTypesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "blake2b",
        "blake2s"
      })
  void theServerAcceptsEveryHashType(String hash, LocalServer server) {
    Config config = Config.builder()
        .endpoint(server.uri())
        .accessKey(server.accessKey())
        .secretKey(server.secretKey())
        .hashType(hash)
        .build();
    try (Session s = Session.builder().config(config).transportName("apache").build()) {
      KeypairInfo kp = s.admin().keypair();
      assertEquals(server.accessKey(), kp.accessKey());
    }
  }
}
