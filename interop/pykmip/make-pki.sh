#!/usr/bin/env bash
# Make a throw-away ECDSA P-256 PKI for KMIP interop tests, with openssl only.
#
#   interop/pykmip/make-pki.sh DIR
#
# Writes into DIR (created if missing), skipping any file that already exists:
#   ca.crt / ca.key          self-signed CA (CN=kmip-conform-test-ca)
#   server.crt / server.key  CN=localhost, SAN DNS:localhost, IP:127.0.0.1,
#                            EKU serverAuth
#   client.crt / client.key  CN=kmip-conform-client, EKU clientAuth (PyKMIP's
#                            server requires clientAuth and takes the CN as
#                            the client identity)
# Keys are unencrypted PKCS#8 PEM. Ends by checking that the certificates
# chain to ca.crt and match their keys, so a half-reused DIR is caught.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR="$1"
mkdir -p "$DIR"
cd "$DIR"
DAYS=3650

key() {  # key NAME: P-256 key in PKCS#8 PEM, unless NAME.key exists
    [[ -e "$1.key" ]] && return 0
    (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$1.key")
}

leaf() {  # leaf NAME CN EXTENSIONS: CA-signed certificate, unless NAME.crt exists
    [[ -e "$1.crt" ]] && return 0
    local ext
    ext="$(mktemp)"
    printf '%s\n' "$3" > "$ext"
    openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -sha256 \
        -days "$DAYS" -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$ext" -out "$1.crt"
    rm -f "$1.csr" "$ext"
}

key ca
if [[ ! -e ca.crt ]]; then
    openssl req -x509 -new -key ca.key -subj "/CN=kmip-conform-test-ca" \
        -sha256 -days "$DAYS" -set_serial "0x$(openssl rand -hex 16)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
fi

COMMON='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid'
key server
leaf server localhost "$COMMON
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
key client
leaf client kmip-conform-client "$COMMON
extendedKeyUsage=clientAuth"

# Consistency: chains and key pairs.
openssl verify -CAfile ca.crt server.crt client.crt >/dev/null
for n in ca server client; do
    if [[ "$(openssl x509 -in "$n.crt" -noout -pubkey)" != \
          "$(openssl pkey -in "$n.key" -pubout)" ]]; then
        echo "error: $DIR/$n.crt does not match $DIR/$n.key" >&2
        exit 1
    fi
done
echo "PKI ready in $(pwd)" >&2
