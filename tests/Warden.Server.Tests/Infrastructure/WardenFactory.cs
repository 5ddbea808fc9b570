using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>
/// Hosts Warden in memory on a fresh data directory with the bundled demo models and a known admin key.
/// Extra configuration goes through <see cref="Settings"/> before the first client is created.
/// </summary>
public sealed class WardenFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "wdn_test_admin_key_0123456789abcdefghijklmnopqrstuv";

    public WardenFactory()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "warden-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
    }

    public string DataDir { get; }

    public Dictionary<string, string?> Settings { get; } = new();

    public TimeProvider? Time { get; set; }

    /// <summary>Replaces or adds services after Warden's own registrations.</summary>
    public Action<IServiceCollection>? ExtraServices { get; set; }

    public HttpClient Admin() => Authorized(AdminKey);

    public HttpClient Authorized(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Warden:DataDir", DataDir);
        builder.UseSetting("Warden:AdminKey", AdminKey);
        builder.UseSetting("Warden:PredictionLog:FlushIntervalMs", "20");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (Time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(Time);
            }

            ExtraServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file briefly on some systems; the temp folder is disposable.
            }
        }
    }
}
