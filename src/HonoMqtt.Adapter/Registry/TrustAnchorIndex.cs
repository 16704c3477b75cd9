namespace HonoMqtt.Adapter.Registry;

/// <summary>Tenants by the subject DNs of their trusted CAs and by alias, built once per registry snapshot.</summary>
internal sealed class TrustAnchorIndex
{
    private readonly Dictionary<string, List<TenantInfo>> _byDn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TenantInfo> _byAlias = new(StringComparer.Ordinal);

    public TrustAnchorIndex(IEnumerable<TenantInfo> tenants)
    {
        foreach (var tenant in tenants)
        {
            foreach (var key in tenant.TrustAnchors.Select(a => a.Subject.Key).Distinct())
            {
                if (!_byDn.TryGetValue(key, out var list))
                {
                    _byDn[key] = list = [];
                }

                list.Add(tenant);
            }

            if (tenant.Alias is { } alias)
            {
                _byAlias.TryAdd(alias, tenant);
            }
        }
    }

    public TenantInfo? ByTrustedCa(Auth.DistinguishedName subjectDn) =>
        _byDn.TryGetValue(subjectDn.Key, out var list) && list.Count == 1 ? list[0] : null;

    public TenantInfo? ByAlias(string alias) => _byAlias.GetValueOrDefault(alias);
}
