namespace HonoMqtt.Adapter.IntegrationTests.Tls;

/// <summary>
/// Registry files for the X.509 tests. Tenant <c>tenant-a</c> trusts CA A (given as <c>cert</c>) and has device
/// <c>dev-a</c> (certificate only) and <c>dev-pw</c> (password <c>pw-a@tenant-a</c> / <c>secret-a</c>). Tenant <c>tenant-b</c>
/// trusts CA B (given as <c>subject-dn</c> + <c>public-key</c>) and has <c>dev-b</c> (certificate) and <c>dev-b-pw</c>
/// (password <c>pw-b@tenant-b</c> / <c>secret-b</c>), and an <c>intruder</c> whose x509-cert auth-id is device A's subject.
/// </summary>
public static class X509Registry
{
    public static string Build(
        TestPki pki,
        string tenantAExtra = "",
        string tenantBExtra = "",
        string caBExtra = "",
        string devAExtra = "",
        string devBAuthId = TestPki.DeviceBDn,
        string moreTenants = "",
        string moreDevices = "") => $$"""
        {
          "tenants": {
            "tenant-a": { "trusted-ca": [ { "cert": "{{pki.Base64Der(pki.CaA)}}" } ] {{tenantAExtra}} },
            "tenant-b": {
              "trusted-ca": [ {
                "subject-dn": "{{TestPki.CaBDn}}", "public-key": "{{pki.Base64PublicKey(pki.CaB)}}", "algorithm": "EC",
                "not-before": "2000-01-01T00:00:00Z", "not-after": "2100-01-01T00:00:00Z" {{caBExtra}}
              } ] {{tenantBExtra}}
            }
            {{moreTenants}}
          },
          "devices": {
            "tenant-a": {
              "dev-a": { "credentials": [ { "type": "x509-cert", "auth-id": "{{TestPki.DeviceADn}}", "secrets": [ {} ] } ] {{devAExtra}} },
              "dev-pw": { "credentials": [ { "type": "hashed-password", "auth-id": "pw-a", "secrets": [ { "pwd-plain": "secret-a" } ] } ] }
            },
            "tenant-b": {
              "dev-b": { "credentials": [ { "type": "x509-cert", "auth-id": "{{devBAuthId}}", "secrets": [ {} ] } ] },
              "dev-b-pw": { "credentials": [ { "type": "hashed-password", "auth-id": "pw-b", "secrets": [ { "pwd-plain": "secret-b" } ] } ] },
              "intruder": { "credentials": [ { "type": "x509-cert", "auth-id": "{{TestPki.DeviceADn}}", "secrets": [ {} ] } ] }
            }
            {{moreDevices}}
          }
        }
        """;
}
