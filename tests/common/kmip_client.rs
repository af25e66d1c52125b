//! A real TLS KMIP client and an in-process reference server on a loopback
//! socket, for the server integration tests. Every response is decoded
//! strictly and checked against the negotiated version's dictionary.

use std::net::SocketAddr;
use std::sync::Arc;

use kmip_conform::kmip::gating::undefined_in;
use kmip_conform::kmip::{tags, Operation, ResultReason, ResultStatus, Version};
use kmip_conform::server::{self, pki, tls, ClientAuth, ServerConfig};
use kmip_conform::ttlv::{decode_strict, encode, Item, Tag, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A server running on 127.0.0.1 with a fresh PKI; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub pki: pki::PkiPem,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts a TLS server; `adjust` may change the configuration first.
pub async fn start(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
    let pki = pki::generate().expect("generate PKI");
    let mut config = ServerConfig::default();
    adjust(&mut config);
    let allow_anonymous = config.client_auth == ClientAuth::QueryOnlyWithout;
    config.tls = Some(tls::server_config(&pki, allow_anonymous).expect("TLS config"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::run(listener, config, async move {
        let _ = stopped.await;
    }));
    TestServer {
        addr,
        pki,
        stop: Some(stop),
    }
}

/// Which client certificate to present.
pub enum Cert<'a> {
    /// The client certificate of the server's PKI.
    Valid,
    None,
    /// A certificate and key (PEM) from some other PKI.
    Other(&'a pki::PkiPem),
}

/// A TLS connection speaking KMIP.
pub struct Client {
    pub stream: TlsStream<TcpStream>,
}

/// A rustls client configuration trusting the server's CA.
pub fn client_config(
    server: &TestServer,
    cert: Cert<'_>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ClientConfig> {
    let builder = rustls::ClientConfig::builder_with_provider(tls::provider())
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(tls::roots(&server.pki.ca_cert).unwrap());
    let config = match cert {
        Cert::Valid => builder
            .with_client_auth_cert(
                tls::certificates(&server.pki.client_cert, "c").unwrap(),
                tls::private_key(&server.pki.client_key, "k").unwrap(),
            )
            .unwrap(),
        Cert::Other(other) => builder
            .with_client_auth_cert(
                tls::certificates(&other.client_cert, "c").unwrap(),
                tls::private_key(&other.client_key, "k").unwrap(),
            )
            .unwrap(),
        Cert::None => builder.with_no_client_auth(),
    };
    Arc::new(config)
}

impl Client {
    pub async fn connect(server: &TestServer, cert: Cert<'_>) -> std::io::Result<Client> {
        Self::connect_with(
            server,
            client_config(
                server,
                cert,
                &[&rustls::version::TLS13, &rustls::version::TLS12],
            ),
        )
        .await
    }

    pub async fn connect_with(
        server: &TestServer,
        config: Arc<rustls::ClientConfig>,
    ) -> std::io::Result<Client> {
        let tcp = TcpStream::connect(server.addr).await?;
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let stream = TlsConnector::from(config).connect(name, tcp).await?;
        Ok(Client { stream })
    }

    /// Sends raw bytes and reads one response message (`None` if the server closed).
    pub async fn raw(&mut self, bytes: &[u8]) -> std::io::Result<Option<Vec<u8>>> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await?;
        let mut header = [0u8; 8];
        match self.stream.read_exact(&mut header).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let length = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let mut message = header.to_vec();
        message.resize(8 + length, 0);
        self.stream.read_exact(&mut message[8..]).await?;
        Ok(Some(message))
    }

    /// Sends a request and returns the strictly decoded, version-checked response.
    pub async fn call(&mut self, request: &Item) -> Item {
        let bytes = self
            .raw(&encode(request).unwrap())
            .await
            .expect("I/O")
            .expect("server closed");
        checked_response(&bytes)
    }
}

/// Decodes a response strictly and asserts it uses only tags and values its version defines.
pub fn checked_response(bytes: &[u8]) -> Item {
    let response = decode_strict(bytes).expect("response decodes strictly");
    assert_eq!(response.tag, tags::RESPONSE_MESSAGE);
    let version = response_version(&response);
    let undefined = undefined_in(&response, version);
    assert!(
        undefined.is_empty(),
        "response uses what KMIP {version} does not define: {undefined:?}"
    );
    assert_reasons_allowed(&response, version);
    response
}

/// Every failed batch item carries a Result Reason that the version's error
/// table lists for its operation (KMIP 1.2 §11, KMIP 2.1 per-operation tables).
fn assert_reasons_allowed(response: &Item, version: Version) {
    for item in response.children_with(tags::BATCH_ITEM) {
        let (Some(Value::Enumeration(operation)), Some(ResultReason(code))) =
            (item.child(tags::OPERATION).map(|o| &o.value), reason(item))
        else {
            continue;
        };
        let operation = Operation(*operation);
        if status(item) != ResultStatus::OPERATION_FAILED {
            continue;
        }
        // KMIP 2.1 §11 defines Object Archived as "the object SHALL be recovered
        // from the archive before performing the operation", but the
        // per-operation tables list it only for Archive and Adjust Attribute.
        if version.is_2x() && ResultReason(code) == ResultReason::OBJECT_ARCHIVED {
            continue;
        }
        if let Some(allowed) = kmip_conform::kmip::errors::allowed_reasons(operation, version) {
            assert!(
                allowed.contains(&ResultReason(code)),
                "{operation:?} failed on KMIP {version} with {:?}, which its error table does not list (allowed: {allowed:?})",
                ResultReason(code)
            );
        }
    }
}

pub fn response_version(response: &Item) -> Version {
    let pv = response
        .child(tags::RESPONSE_HEADER)
        .unwrap()
        .child(tags::PROTOCOL_VERSION)
        .unwrap();
    let part = |tag| match pv.child(tag).unwrap().value {
        Value::Integer(v) => v as u8,
        _ => panic!("version"),
    };
    Version::new(
        part(tags::PROTOCOL_VERSION_MAJOR),
        part(tags::PROTOCOL_VERSION_MINOR),
    )
}

/// A request message with the given header extras and batch items.
pub fn request(version: Version, extra_header: Vec<Item>, items: Vec<Item>) -> Item {
    kmip_conform::kmip::message::request_message(version, extra_header, items)
}

/// A batch item; `id` sets the Unique Batch Item ID.
pub fn op(operation: Operation, id: Option<&[u8]>, payload: Vec<Item>) -> Item {
    let mut fields = vec![Item::new(tags::OPERATION, Value::Enumeration(operation.0))];
    if let Some(id) = id {
        fields.push(Item::new(
            tags::UNIQUE_BATCH_ITEM_ID,
            Value::ByteString(id.to_vec()),
        ));
    }
    fields.push(Item::structure(tags::REQUEST_PAYLOAD, payload));
    Item::structure(tags::BATCH_ITEM, fields)
}

/// The response batch items.
pub fn items(response: &Item) -> Vec<&Item> {
    response.children_with(tags::BATCH_ITEM).collect()
}

pub fn status(item: &Item) -> ResultStatus {
    match item.child(tags::RESULT_STATUS).map(|s| &s.value) {
        Some(Value::Enumeration(v)) => ResultStatus(*v),
        other => panic!("no Result Status: {other:?}"),
    }
}

pub fn reason(item: &Item) -> Option<ResultReason> {
    match item.child(tags::RESULT_REASON).map(|s| &s.value) {
        Some(Value::Enumeration(v)) => Some(ResultReason(*v)),
        _ => None,
    }
}

/// A child of the response payload.
pub fn payload_field(item: &Item, tag: Tag) -> Option<&Item> {
    item.child(tags::RESPONSE_PAYLOAD)?.child(tag)
}

pub fn uid(item: &Item) -> String {
    match payload_field(item, tags::UNIQUE_IDENTIFIER).map(|u| &u.value) {
        Some(Value::TextString(uid)) => uid.clone(),
        other => panic!("no Unique Identifier in {item:?}: {other:?}"),
    }
}

/// 1.x Template-Attribute or 2.x Attributes for an AES key of `bits`.
pub fn aes_attributes(version: Version, bits: i32, name: Option<&str>) -> Item {
    use kmip_conform::kmip::CryptographicAlgorithm;
    let mask = 0x0000_000C; // Encrypt | Decrypt
    if version.is_2x() {
        let mut attrs = vec![
            Item::new(
                tags::CRYPTOGRAPHIC_ALGORITHM,
                Value::Enumeration(CryptographicAlgorithm::AES.0),
            ),
            Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
            Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(mask)),
        ];
        if let Some(name) = name {
            attrs.push(name_value(name));
        }
        return Item::structure(tags::ATTRIBUTES, attrs);
    }
    let attribute = |n: &str, v: Value| {
        Item::structure(
            tags::ATTRIBUTE,
            vec![
                Item::new(tags::ATTRIBUTE_NAME, Value::TextString(n.into())),
                Item::new(tags::ATTRIBUTE_VALUE, v),
            ],
        )
    };
    let mut attrs = vec![
        attribute(
            "Cryptographic Algorithm",
            Value::Enumeration(CryptographicAlgorithm::AES.0),
        ),
        attribute("Cryptographic Length", Value::Integer(bits)),
        attribute("Cryptographic Usage Mask", Value::Integer(mask)),
    ];
    if let Some(name) = name {
        attrs.push(attribute("Name", name_value(name).value));
    }
    Item::structure(tags::TEMPLATE_ATTRIBUTE, attrs)
}

/// A Name attribute value (Uninterpreted Text String).
pub fn name_value(name: &str) -> Item {
    Item::structure(
        tags::NAME,
        vec![
            Item::new(tags::NAME_VALUE, Value::TextString(name.into())),
            Item::new(tags::NAME_TYPE, Value::Enumeration(1)),
        ],
    )
}

/// A Create request payload for an AES key.
pub fn create_payload(version: Version, bits: i32, name: Option<&str>) -> Vec<Item> {
    vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(kmip_conform::kmip::ObjectType::SYMMETRIC_KEY.0),
        ),
        aes_attributes(version, bits, name),
    ]
}
