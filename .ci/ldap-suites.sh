#!/usr/bin/env bash
# CI-only LDAP suites (issue 4): the LDAP integration tests against a real OpenLDAP slapd (memberof + refint
# overlays) and a real Samba AD domain controller over LDAPS, both installed from Debian packages and started
# here following ../shared/reference/test-infrastructure.md §2. Self-contained: installs, builds, runs, stops.
#
# Runs everything in a private network namespace with a private /tmp and /etc/hosts, so that Samba can own
# ports 389/636/88, Keycloak's test server its 8080/9000 and /tmp/kc-test-framework, without touching the host.
# Needs root (Samba requires it; so do namespaces). Usage: .ci/ldap-suites.sh [slapd|samba|all]   (default all)
#   SAMBA_TESTS=LdapKerberosTest .ci/ldap-suites.sh samba: only those tests in the Samba step (-Dtest syntax);
#   SLAPD_TESTS likewise for the slapd step.
#   .ci/ldap-suites.sh bench [users] [groups]: issue 4's benchmark (.ci/bench-ldap.sh) against this slapd instead of the
#   in-JVM server; not part of CI. Set DIRSYNC_LDAP_NS/DIRSYNC_LDAP_WORK to run it beside a CI run.
#   .ci/ldap-suites.sh side-by-side: issue 16's benchmark (bench/run.sh, its arguments in BENCH_SIDE_ARGS) with its LDAP
#   part against this slapd; what `bash bench/run.sh --ldap slapd ...` runs. Not part of CI.
set -euo pipefail

WHAT=${1:-all}
export BENCH_USERS=${2:-100000} BENCH_GROUPS=${3:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=${DIRSYNC_LDAP_NS:-dirsync-ldap-ci}
WORK=${DIRSYNC_LDAP_WORK:-/var/tmp/dirsync-ldap-ci}
MVN_ARGS=${MVN_ARGS:-}
# The namespace mounts a private /tmp over the host's: a work directory under /tmp would vanish behind it.
case "$WORK" in /tmp|/tmp/*) echo "DIRSYNC_LDAP_WORK must not be under /tmp (e.g. /var/tmp/...): $WORK" >&2; exit 2;; esac

log() { echo "[ldap-suites] $*"; }

# 1. Packages (network needed: outside the namespace).
export DEBIAN_FRONTEND=noninteractive
need=()
[[ "$WHAT" != samba ]] && { command -v slapd >/dev/null || need+=(slapd ldap-utils); }
[[ "$WHAT" != slapd && "$WHAT" != bench && "$WHAT" != side-by-side ]] && { command -v samba >/dev/null && dpkg -s samba-ad-provision >/dev/null 2>&1 \
    || need+=(samba samba-ad-dc samba-ad-provision krb5-user winbind smbclient ldap-utils); }
if (( ${#need[@]} )); then
  log "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Build and resolve everything while the network is there (the namespace has none).
log "building"
(cd "$ROOT" && mvn -B -q $MVN_ARGS test-compile dependency:resolve -DincludeScope=test)

# 3. A private namespace, /tmp and /etc/hosts.
ip netns add "$NS" 2>/dev/null || true
ip netns exec "$NS" ip link set lo up
rm -rf "$WORK"; mkdir -p "$WORK/tmp"
chmod 1777 "$WORK/tmp"
{ cat /etc/hosts; echo "127.0.0.1 dc1.example.test dc1"; echo "127.0.0.1 keycloak.example.test"; } > "$WORK/hosts"

cat > "$WORK/inner.sh" <<'INNER'
#!/usr/bin/env bash
set -uo pipefail
WHAT=$1; ROOT=$2; MVN_ARGS=$3
log() { echo "[ldap-suites:ns] $*"; }
rc=0

start_slapd() {
  L=/tmp/ldaptest; rm -rf $L; mkdir -p $L/slapd.d $L/data
  cat > $L/config.ldif <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $L/slapd.pid
olcArgsFile: $L/slapd.args
olcLogLevel: none

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: refint

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: 5000

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcRootDN: cn=admin,cn=config
olcRootPW: configsecret

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: dc=example,dc=org
olcRootDN: cn=admin,dc=example,dc=org
olcRootPW: adminsecret
olcDbDirectory: $L/data
olcDbMaxSize: 4294967296
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail eq,sub
olcDbIndex: member,memberOf eq
olcDbIndex: entryUUID eq
olcAccess: to attrs=userPassword by self write by anonymous auth by * none
olcAccess: to * by * read

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfDangling: ignore
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay={1}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {1}refint
olcRefintAttribute: member
olcRefintAttribute: memberOf
olcRefintAttribute: manager
LDIF
  chown -R openldap:openldap $L
  setpriv --reuid=openldap --regid=openldap --init-groups slapadd -n 0 -F $L/slapd.d -l $L/config.ldif
  setpriv --reuid=openldap --regid=openldap --init-groups \
      slapd -h "ldap://127.0.0.1:3890/ ldapi://%2Ftmp%2Fldaptest%2Fldapi" -F $L/slapd.d
  for i in $(seq 50); do ldapsearch -x -H ldap://127.0.0.1:3890 -s base -b "" >/dev/null 2>&1 && break; sleep 0.1; done
  printf 'dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n' \
    | ldapadd -x -H ldap://127.0.0.1:3890 -D cn=admin,dc=example,dc=org -w adminsecret >/dev/null
  log "slapd up on ldap://127.0.0.1:3890"
}
stop_slapd() { [[ -f /tmp/ldaptest/slapd.pid ]] && kill "$(cat /tmp/ldaptest/slapd.pid)" 2>/dev/null; true; }

start_samba() {
  S=/tmp/sambaad; rm -rf $S; mkdir -p $S
  samba-tool domain provision --realm=EXAMPLE.TEST --domain=EXAMPLE --server-role=dc \
      --dns-backend=NONE --use-rfc2307 --adminpass='Adm1n-Passw0rd!' --host-name=dc1 \
      --host-ip=127.0.0.1 --targetdir=$S --option="interfaces=lo" --option="bind interfaces only=yes" > $S/provision.log 2>&1 \
      || { cat $S/provision.log; return 1; }
  sed -i "s#\tlog file = /var/log/samba/log.%m#\tlog file = $S/log.%m\n\tldap server require strong auth = no#" $S/etc/smb.conf
  sed -i "s#\tserver services = .*#\tserver services = s3fs, rpc, ldap, cldap, kdc, drepl, winbindd, kcc#" $S/etc/smb.conf
  samba -F --debug-stdout -s $S/etc/smb.conf > $S/samba.out 2>&1 & echo $! > $S/samba.pid
  for i in $(seq 150); do ldapsearch -x -H ldap://127.0.0.1:389 -s base -b "" >/dev/null 2>&1 && break; sleep 0.2; done
  for i in $(seq 100); do LDAPTLS_REQCERT=never ldapsearch -x -H ldaps://dc1.example.test:636 -D 'Administrator@example.test' \
      -w 'Adm1n-Passw0rd!' -s base -b "" >/dev/null 2>&1 && break; sleep 0.2; done
  log "samba AD DC up on ldaps://dc1.example.test:636"
  setup_kerberos
}
# Kerberos for LdapKerberosTest: a krb5.conf naming the KDC by address (no DNS here; CLOSED.TEST's KDC is a closed port,
# for the page a user sees when the KDC cannot be reached, with short timeouts), and the HTTP service principal of
# the test Keycloak's host (keycloak.example.test, in this namespace's /etc/hosts) on an account of its own, with its
# keytab, as an AD admin does with setspn and ktpass.
setup_kerberos() {
  cat > $S/krb5.conf <<KRB5
[libdefaults]
  default_realm = EXAMPLE.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
[realms]
  EXAMPLE.TEST = {
    kdc = 127.0.0.1
  }
  CLOSED.TEST = {
    kdc = 127.0.0.1:1
    kdc_timeout = 2000
    max_retries = 1
  }
[domain_realm]
  .example.test = EXAMPLE.TEST
  example.test = EXAMPLE.TEST
KRB5
  samba-tool user create keycloak-http "Svc-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')-Aa1" \
      -s $S/etc/smb.conf >/dev/null || return 1
  samba-tool spn add HTTP/keycloak.example.test keycloak-http -s $S/etc/smb.conf || return 1
  # AES keys for the service (AD's "supports Kerberos AES 128/256 bit encryption"): without it the KDC issues, and
  # exportkeytab exports, RC4 only, which Java 17 refuses.
  printf 'dn: CN=keycloak-http,CN=Users,DC=example,DC=test\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 24\n' \
    | LDAPTLS_REQCERT=never ldapmodify -H ldaps://dc1.example.test:636 -D 'Administrator@example.test' -w 'Adm1n-Passw0rd!' >/dev/null \
    || return 1
  samba-tool domain exportkeytab $S/keycloak.keytab --principal=HTTP/keycloak.example.test@EXAMPLE.TEST \
      -s $S/etc/smb.conf || return 1
  log "Kerberos: HTTP/keycloak.example.test@EXAMPLE.TEST in $S/keycloak.keytab, $S/krb5.conf"
}
stop_samba() {
  [[ -f /tmp/sambaad/samba.pid ]] || return 0
  kill -TERM "$(cat /tmp/sambaad/samba.pid)" 2>/dev/null
  for i in $(seq 50); do kill -0 "$(cat /tmp/sambaad/samba.pid)" 2>/dev/null || break; sleep 0.1; done
}
trap 'stop_slapd; stop_samba' EXIT

# Issue 15's lost source: LdapSyncTest stops the server in the middle of a full sync and starts it again through this
# script (-Ddirsync.ldap.outage="/tmp/ldap-outage.sh <server>", then "down" or "up"). The server's process ends, so every
# connection to it is lost and new ones are refused, as when a directory server stops or its host goes down.
cat > /tmp/ldap-outage.sh <<'OUTAGE'
#!/usr/bin/env bash
set -uo pipefail
server=$1 what=$2
gone() { for i in $(seq 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; echo "pid $1 still running" >&2; return 1; }
case "$server $what" in
  "slapd down")
    pid=$(cat /tmp/ldaptest/slapd.pid) && kill "$pid" && gone "$pid" ;;
  "slapd up")
    setpriv --reuid=openldap --regid=openldap --init-groups \
        slapd -h "ldap://127.0.0.1:3890/ ldapi://%2Ftmp%2Fldaptest%2Fldapi" -F /tmp/ldaptest/slapd.d </dev/null >/dev/null 2>&1
    for i in $(seq 100); do ldapsearch -x -H ldap://127.0.0.1:3890 -s base -b "" >/dev/null 2>&1 && exit 0; sleep 0.1; done
    exit 1 ;;
  "samba down")
    pid=$(cat /tmp/sambaad/samba.pid) && kill -TERM "$pid" && gone "$pid" ;;
  "samba up")
    samba -F --debug-stdout -s /tmp/sambaad/etc/smb.conf </dev/null >>/tmp/sambaad/samba.out 2>&1 &
    echo $! > /tmp/sambaad/samba.pid
    for i in $(seq 300); do LDAPTLS_REQCERT=never ldapsearch -x -H ldaps://dc1.example.test:636 -D 'Administrator@example.test' \
        -w 'Adm1n-Passw0rd!' -s base -b "" >/dev/null 2>&1 && exit 0; sleep 0.2; done
    exit 1 ;;
  *) echo "usage: $0 slapd|samba down|up" >&2; exit 2 ;;
esac
OUTAGE
chmod +x /tmp/ldap-outage.sh

cd "$ROOT"
# The in-JVM lost-connection test (the server answers "unavailable" from a given page on) runs in the fast suite and is
# left out here rather than skipped, so that these runs report only what they really ran; here its real-server
# counterpart stops slapd / Samba mid-run (aServerStoppedInTheMiddleOfAFullSyncTrashesNobodyAndTheNextRunConverges).
TESTS='LdapSyncTest,!LdapSyncTest#aConnectionLostInTheMiddleOfARunTrashesNobody'
if [[ "$WHAT" == all || "$WHAT" == slapd ]]; then
  start_slapd || rc=1
  log "LdapSyncTest against slapd"
  mvn -o -B $MVN_ARGS verify -Dtest="${SLAPD_TESTS:-$TESTS}" -Dsurefire.failIfNoSpecifiedTests=false \
      -Ddirsync.ldap.target=slapd -Ddirsync.ldap.outage="/tmp/ldap-outage.sh slapd" -Dsurefire.reportNameSuffix=slapd || rc=1
  stop_slapd
fi
if [[ "$WHAT" == bench ]]; then
  start_slapd || exit 1
  log "benchmark against slapd: ${BENCH_USERS:-100000} users in ${BENCH_GROUPS:-200} groups"
  BENCH_MVN_ARGS="-o -Ddirsync.ldap.target=slapd" bash .ci/bench-ldap.sh "${BENCH_USERS:-100000}" "${BENCH_GROUPS:-200}" || rc=1
  stop_slapd
fi
if [[ "$WHAT" == side-by-side ]]; then
  start_slapd || exit 1
  log "side-by-side benchmark, LDAP part against slapd: bench/run.sh ${BENCH_SIDE_ARGS:-}"
  # shellcheck disable=SC2086  # the arguments bench/run.sh was given, one word each
  DIRSYNC_BENCH_IN_NS=1 bash bench/run.sh ${BENCH_SIDE_ARGS:-} -o -Ddirsync.ldap.target=slapd || rc=1
  stop_slapd
fi
if [[ "$WHAT" == all || "$WHAT" == samba ]]; then
  start_samba || rc=1
  log "LdapSyncTest and LdapKerberosTest against Samba AD over LDAPS and its KDC"
  # The Keycloak server (a child of the test JVM) and the test's kinit/curl read the KDC from the same krb5.conf.
  KRB5_CONFIG=/tmp/sambaad/krb5.conf JAVA_OPTS_APPEND="-Djava.security.krb5.conf=/tmp/sambaad/krb5.conf" \
  mvn -o -B $MVN_ARGS verify -Dtest="${SAMBA_TESTS:-$TESTS,LdapKerberosTest}" -Dsurefire.failIfNoSpecifiedTests=false \
      -Ddirsync.ldap.target=samba -Ddirsync.ldap.outage="/tmp/ldap-outage.sh samba" \
      -Ddirsync.kc.truststore=/tmp/sambaad/private/tls/ca.pem \
      -Ddirsync.kerberos.keytab=/tmp/sambaad/keycloak.keytab -Ddirsync.kerberos.host=keycloak.example.test \
      -Dsurefire.reportNameSuffix=samba || rc=1
  stop_samba
fi
exit $rc
INNER
chmod +x "$WORK/inner.sh"

log "running in namespace $NS"
set +e
# The checkout is bound to $WORK/repo first: a clone that lives under /tmp (CI's may) would vanish behind the private /tmp.
mkdir -p "$WORK/repo"
ip netns exec "$NS" unshare -m -p -f --mount-proc bash -c "mount --bind '$ROOT' '$WORK/repo' && mount --bind '$WORK/tmp' /tmp && mount --bind '$WORK/hosts' /etc/hosts && '$WORK/inner.sh' '$WHAT' '$WORK/repo' '$MVN_ARGS'"
rc=$?
set -e
log "done (exit $rc)"
exit $rc
