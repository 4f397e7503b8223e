/*
 * Independent check of our WS-Security with Apache Santuario (Debian libxml-security-java).
 *
 *   java As4Santuario verify DIR CERT.pem
 *   java As4Santuario sign   DIR KEY.pk8.pem CERT.pem OUT.xml
 *
 * DIR holds envelope.xml and parts.tsv (content-id TAB content-type TAB file name, files
 * beside it). "verify" checks the one ds:Signature of wsse:Security against CERT:
 * every reference (same-document ids and cid: attachments) and the SignatureValue,
 * printing one line per check and exiting 0 only when all hold. "sign" adds a
 * wsse:Security header with a BinarySecurityToken and a Santuario-made signature over
 * eb:Messaging, the Body and every attachment, writing OUT.xml.
 *
 * Own pieces (written for this harness, not taken from WSS4J): a cid: ResourceResolver
 * serving the attachment octets, the SwA Attachment-Content-Signature-Transform (octets
 * as-is; exclusive C14N for XML content types, SwA 1.1 section 5.4.2) and, because
 * Santuario 2.1 predates RFC 9231 EdDSA, a SignatureAlgorithmSpi for eddsa-ed25519 on
 * the JDK's own Ed25519 (JCA, JDK 15+).
 */

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.security.spec.*;
import java.util.*;
import javax.xml.parsers.*;
import javax.xml.transform.*;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.SignatureAlgorithm;
import org.apache.xml.security.algorithms.SignatureAlgorithmSpi;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.*;
import org.apache.xml.security.transforms.*;
import org.apache.xml.security.utils.resolver.*;
import org.w3c.dom.*;

public final class As4Santuario {
    static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    static final String DS = "http://www.w3.org/2000/09/xmldsig#";
    static final String EB = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/";
    static final String S12 = "http://www.w3.org/2003/05/soap-envelope";
    static final String SWA = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform";
    static final String ED25519 = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519";
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    static final String EXC = "http://www.w3.org/2001/10/xml-exc-c14n#";
    static final String X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
    static final String B64 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

    record Part(String contentType, byte[] data) {}

    /** cid: URIs -> the stored attachment octets (MIME type passed on to the transform). */
    public static final class CidResolver extends ResourceResolverSpi {
        private final Map<String, Part> parts;
        CidResolver(Map<String, Part> parts) { this.parts = parts; }
        @Override public boolean engineCanResolveURI(ResourceResolverContext c) {
            return c.uriToResolve != null && c.uriToResolve.startsWith("cid:");
        }
        @Override public XMLSignatureInput engineResolveURI(ResourceResolverContext c)
                throws ResourceResolverException {
            Part p = parts.get(c.uriToResolve.substring(4));
            if (p == null) {
                throw new ResourceResolverException("no attachment " + c.uriToResolve, c.uriToResolve, c.baseUri);
            }
            XMLSignatureInput in = new XMLSignatureInput(p.data());
            in.setSourceURI(c.uriToResolve);
            in.setMIMEType(p.contentType());
            return in;
        }
    }

    /** SwA 1.1 Attachment-Content-Signature-Transform. */
    public static final class SwaContentTransform extends TransformSpi {
        @Override protected String engineGetURI() { return SWA; }
        @Override protected XMLSignatureInput enginePerformTransform(XMLSignatureInput input, OutputStream os,
                Transform t) throws IOException {
            try {
                byte[] octets = input.getBytes();
                String type = input.getMIMEType() == null ? "" : input.getMIMEType().toLowerCase(Locale.ROOT);
                String bare = type.split(";")[0].trim();
                if (bare.equals("text/xml") || bare.equals("application/xml")
                        || (bare.startsWith("application/") && bare.endsWith("+xml"))) {
                    octets = Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS)
                            .canonicalize(octets);
                }
                XMLSignatureInput out = new XMLSignatureInput(octets);
                if (os != null) {  // last transform: Santuario digests what we write here
                    os.write(octets);
                    out.setOutputStream(os);
                }
                return out;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    /** RFC 9231 eddsa-ed25519 on the JDK's Ed25519 (Santuario 2.1 has no EdDSA). */
    public static final class Ed25519Spi extends SignatureAlgorithmSpi {
        private final Signature sig;
        public Ed25519Spi() throws NoSuchAlgorithmException { sig = Signature.getInstance("Ed25519"); }
        @Override protected String engineGetURI() { return ED25519; }
        @Override protected String engineGetJCEAlgorithmString() { return "Ed25519"; }
        @Override protected String engineGetJCEProviderName() { return sig.getProvider().getName(); }
        @Override protected void engineUpdate(byte[] b) throws XMLSignatureException { update(b, 0, b.length); }
        @Override protected void engineUpdate(byte b) throws XMLSignatureException { update(new byte[] {b}, 0, 1); }
        @Override protected void engineUpdate(byte[] b, int o, int l) throws XMLSignatureException { update(b, o, l); }
        private void update(byte[] b, int o, int l) throws XMLSignatureException {
            try { sig.update(b, o, l); } catch (SignatureException e) { throw new XMLSignatureException(e); }
        }
        @Override protected void engineInitSign(Key k) throws XMLSignatureException {
            try { sig.initSign((PrivateKey) k); } catch (InvalidKeyException e) { throw new XMLSignatureException(e); }
        }
        @Override protected void engineInitSign(Key k, SecureRandom r) throws XMLSignatureException { engineInitSign(k); }
        @Override protected void engineInitSign(Key k, AlgorithmParameterSpec s) throws XMLSignatureException { engineInitSign(k); }
        @Override protected byte[] engineSign() throws XMLSignatureException {
            try { return sig.sign(); } catch (SignatureException e) { throw new XMLSignatureException(e); }
        }
        @Override protected void engineInitVerify(Key k) throws XMLSignatureException {
            try { sig.initVerify((PublicKey) k); } catch (InvalidKeyException e) { throw new XMLSignatureException(e); }
        }
        @Override protected boolean engineVerify(byte[] s) throws XMLSignatureException {
            try { return sig.verify(s); } catch (SignatureException e) { throw new XMLSignatureException(e); }
        }
        @Override protected void engineSetParameter(AlgorithmParameterSpec p) {}
        @Override protected void engineSetHMACOutputLength(int l) {}
    }

    public static void main(String[] args) throws Exception {
        Init.init();
        Transform.register(SWA, SwaContentTransform.class);
        SignatureAlgorithm.register(ED25519, Ed25519Spi.class);
        if (args.length == 3 && args[0].equals("verify")) {
            System.exit(verify(Paths.get(args[1]), cert(Paths.get(args[2]))) ? 0 : 1);
        } else if (args.length == 5 && args[0].equals("sign")) {
            sign(Paths.get(args[1]), Paths.get(args[2]), cert(Paths.get(args[3])), Paths.get(args[4]));
        } else {
            System.err.println("usage: verify DIR CERT | sign DIR KEY CERT OUT");
            System.exit(2);
        }
    }

    static X509Certificate cert(Path p) throws Exception {
        try (InputStream in = Files.newInputStream(p)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey key(Path p, String algorithm) throws Exception {
        String pem = Files.readString(p, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    static Map<String, Part> parts(Path dir) throws IOException {
        Map<String, Part> out = new LinkedHashMap<>();
        Path tsv = dir.resolve("parts.tsv");
        if (!Files.exists(tsv)) { return out; }
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.isBlank()) { continue; }
            String[] f = line.split("\t");
            out.put(f[0], new Part(f[1], Files.readAllBytes(dir.resolve(f[2]))));
        }
        return out;
    }

    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        markIds(doc.getDocumentElement());
        return doc;
    }

    /** Declare wsu:Id / Id attributes as XML IDs so "#id" references resolve. */
    static void markIds(Element e) {
        if (e.hasAttributeNS(WSU, "Id")) { e.setIdAttributeNS(WSU, "Id", true); }
        if (e.hasAttributeNS(null, "Id")) { e.setIdAttributeNS(null, "Id", true); }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) { markIds((Element) n); }
        }
    }

    static Element first(Element parent, String ns, String local) {
        NodeList l = parent.getElementsByTagNameNS(ns, local);
        return l.getLength() == 0 ? null : (Element) l.item(0);
    }

    static boolean verify(Path dir, X509Certificate cert) throws Exception {
        Document doc = parse(dir.resolve("envelope.xml"));
        Element security = first(doc.getDocumentElement(), WSSE, "Security");
        Element sigEl = first(security, DS, "Signature");
        XMLSignature sig = new XMLSignature(sigEl, "", true);
        sig.addResourceResolver(new CidResolver(parts(dir)));
        SignedInfo si = sig.getSignedInfo();
        boolean all = si.verify(false);
        for (int i = 0; i < si.getLength(); i++) {
            System.out.println("REFERENCE " + si.item(i).getURI() + " " + (si.getVerificationResult(i) ? "ok" : "FAILED"));
        }
        boolean value = sig.checkSignatureValue(cert.getPublicKey());
        System.out.println("SIGNATURE-METHOD " + si.getSignatureMethodURI());
        System.out.println("SIGNATURE-VALUE " + (value ? "ok" : "FAILED"));
        return all && value;
    }

    static String id(Element e) { return e.getAttributeNS(WSU, "Id"); }

    static void sign(Path dir, Path keyFile, X509Certificate cert, Path out) throws Exception {
        Document doc = parse(dir.resolve("envelope.xml"));
        Element env = doc.getDocumentElement();
        Element header = first(env, S12, "Header");
        Element messaging = first(header, EB, "Messaging");
        Element body = first(env, S12, "Body");
        boolean ed = cert.getPublicKey().getAlgorithm().startsWith("Ed");
        PrivateKey key = key(keyFile, ed ? "Ed25519" : "RSA");

        Element security = doc.createElementNS(WSSE, "wsse:Security");
        security.setAttributeNS(S12, "S12:mustUnderstand", "true");
        header.insertBefore(security, header.getFirstChild());
        Element bst = doc.createElementNS(WSSE, "wsse:BinarySecurityToken");
        bst.setAttributeNS(null, "EncodingType", B64);
        bst.setAttributeNS(null, "ValueType", X509V3);
        bst.setAttributeNS(WSU, "wsu:Id", "X509-santuario");
        bst.setTextContent(Base64.getEncoder().encodeToString(cert.getEncoded()));
        security.appendChild(bst);

        XMLSignature sig = new XMLSignature(doc, "", ed ? ED25519 : RSA_SHA256, EXC);
        security.appendChild(sig.getElement());
        Map<String, Part> parts = parts(dir);
        sig.addResourceResolver(new CidResolver(parts));
        for (Element target : new Element[] {messaging, body}) {
            Transforms t = new Transforms(doc);
            t.addTransform(EXC);
            sig.addDocument("#" + id(target), t, SHA256);
        }
        for (String cid : parts.keySet()) {
            Transforms t = new Transforms(doc);
            t.addTransform(SWA);
            sig.addDocument("cid:" + cid, t, SHA256);
        }
        Element str = doc.createElementNS(WSSE, "wsse:SecurityTokenReference");
        Element ref = doc.createElementNS(WSSE, "wsse:Reference");
        ref.setAttributeNS(null, "URI", "#X509-santuario");
        ref.setAttributeNS(null, "ValueType", X509V3);
        str.appendChild(ref);
        sig.getKeyInfo().addUnknownElement(str);
        sig.sign(key);

        Transformer tf = TransformerFactory.newInstance().newTransformer();
        tf.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        tf.transform(new DOMSource(doc), new StreamResult(out.toFile()));
        System.out.println("SIGNED " + out);
    }
}
