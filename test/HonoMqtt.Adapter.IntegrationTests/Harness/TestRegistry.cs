namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>Registry files for tests: tenant "t1" with device "d1" (auth-id "a1" / "pw1"), unless told otherwise.</summary>
public static class TestRegistry
{
    public const string Tenant = "t1";
    public const string Device = "d1";
    public const string AuthId = "a1";
    public const string Password = "pw1";

    public static string Username => $"{AuthId}@{Tenant}";

    /// <summary>One tenant, one device with a plain password; the fragments are JSON members added to each object.</summary>
    public static string Simple(string tenantExtra = "", string deviceExtra = "", string credentialsExtra = "", string moreTenants = "", string moreDevices = "") => $$"""
        {
          "tenants": { "{{Tenant}}": { "enabled": true {{tenantExtra}} } {{moreTenants}} },
          "devices": {
            "{{Tenant}}": {
              "{{Device}}": {
                "enabled": true {{deviceExtra}},
                "credentials": [ { "type": "hashed-password", "auth-id": "{{AuthId}}" {{credentialsExtra}}, "secrets": [ { "pwd-plain": "{{Password}}" } ] } ]
              }
            }
            {{moreDevices}}
          }
        }
        """;
}
