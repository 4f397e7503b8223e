// Independent verifier of OOTS Common Services response signatures (TDD 3.6.2), JDK only.
// Written for the gateway's interop tests; shares no code with gateway/evidence/common_services.
//
// usage: java JadesVerify BODY_FILE DIGEST_HEADER JWS_FILE ANCHOR_PEM EPOCH_SECONDS
// prints "OK <leaf subject>" and exits 0, or "FAIL <reason>" and exits 1.

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class JadesVerify {
    private static String find(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        return m.find() ? m.group(1) : null;
    }

    public static void main(String[] args) throws Exception {
        try {
            byte[] body = Files.readAllBytes(Path.of(args[0]));
            String digest = args[1].trim();
            String jws = Files.readString(Path.of(args[2]), StandardCharsets.US_ASCII).trim();
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            X509Certificate anchor;
            try (var in = Files.newInputStream(Path.of(args[3]))) {
                anchor = (X509Certificate) cf.generateCertificate(in);
            }
            Date at = new Date(Long.parseLong(args[4]) * 1000L);

            String[] parts = jws.split("\\.", -1);
            if (parts.length != 3 || !parts[1].isEmpty()) throw new Exception("not a detached JWS");
            String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            String alg = find(header, "\"alg\"\\s*:\\s*\"([^\"]+)\"");
            if (!Pattern.compile("\"b64\"\\s*:\\s*false").matcher(header).find()) throw new Exception("b64 is not false");
            if (!header.contains("http://uri.etsi.org/19182/HttpHeaders")) throw new Exception("no HttpHeaders sigD");

            // 1. the body digest (RFC 3230)
            if (!digest.startsWith("SHA-256=")) throw new Exception("digest is not SHA-256");
            String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
            if (!expected.equals(digest.substring(8))) throw new Exception("digest mismatch");

            // 2. the certificates of x5c (standard base64 DER, leaf first)
            String x5c = find(header, "\"x5c\"\\s*:\\s*\\[([^\\]]*)\\]");
            if (x5c == null) throw new Exception("no x5c");
            List<X509Certificate> chain = new ArrayList<>();
            Matcher m = Pattern.compile("\"([A-Za-z0-9+/=]+)\"").matcher(x5c);
            while (m.find()) {
                chain.add((X509Certificate) cf.generateCertificate(
                    new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
            }
            if (chain.isEmpty()) throw new Exception("empty x5c");

            // 3. the signature over "<protected>.digest: <value>"
            byte[] input = (parts[0] + ".digest: " + digest).getBytes(StandardCharsets.US_ASCII);
            Signature sig;
            if ("ES256".equals(alg)) sig = Signature.getInstance("SHA256withECDSAinP1363Format");
            else if ("EdDSA".equals(alg)) sig = Signature.getInstance("Ed25519");
            else throw new Exception("alg " + alg);
            sig.initVerify(chain.get(0).getPublicKey());
            sig.update(input);
            if (!sig.verify(Base64.getUrlDecoder().decode(parts[2]))) throw new Exception("bad signature");

            // 4. PKIX path to the anchor at the given time (no revocation: offline)
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) if (!c.equals(anchor)) path.add(c);
            CertPath certPath = cf.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(at);
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            System.out.println("OK " + chain.get(0).getSubjectX500Principal().getName());
        } catch (Exception e) {
            System.out.println("FAIL " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
