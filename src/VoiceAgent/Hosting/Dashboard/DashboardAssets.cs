using System.Collections.Frozen;

namespace VoiceAgent.Hosting.Dashboard;

/// <summary>The dashboard's page, script and style: plain files embedded in this assembly, read once.</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (string ContentType, string Text)> Files = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["dashboard.html"] = ("text/html; charset=utf-8", Read("dashboard.html")),
        ["login.html"] = ("text/html; charset=utf-8", Read("login.html")),
        ["dashboard.js"] = ("text/javascript; charset=utf-8", Read("dashboard.js")),
        ["dashboard.css"] = ("text/css; charset=utf-8", Read("dashboard.css")),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out (string ContentType, string Text) file) => Files.TryGetValue(name, out file);

    public static (string ContentType, string Text) Get(string name) => Files[name];

    private static string Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("VoiceAgent.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
