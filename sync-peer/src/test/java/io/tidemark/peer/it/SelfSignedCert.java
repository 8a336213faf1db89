package io.tidemark.peer.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed certificate for 127.0.0.1/localhost, made with the JDK's keytool (no
 * openssl needed): {@code cert} (PEM, also the peer's CA) and {@code key} (PKCS#8 PEM).
 */
public record SelfSignedCert(Path cert, Path key) {

  public static SelfSignedCert create(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path keystore = dir.resolve("keystore.p12");
    String pass = "changeit";
    keytool("-genkeypair", "-alias", "tidemark", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=tidemark-test", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", pass, "-keypass", pass);
    Path cert = dir.resolve("cert.pem");
    keytool("-exportcert", "-rfc", "-alias", "tidemark", "-keystore", keystore.toString(),
        "-storepass", pass, "-file", cert.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, pass.toCharArray());
    }
    Key key = ks.getKey("tidemark", pass.toCharArray());
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Path keyFile = Files.writeString(dir.resolve("key.pem"), pem, StandardCharsets.US_ASCII);
    return new SelfSignedCert(cert, keyFile);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed:\n" + out);
    }
  }
}
