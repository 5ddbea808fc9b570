using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Privacy;
using Warden.Core.Storage.Sql;

namespace Warden.Server.Hosting;

/// <summary>Registers privacy at rest: card redaction and PII scrubbing of stored inputs, payload encryption, key rotation.</summary>
public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Warden:Privacy</c>; adds the <see cref="PayloadCipher"/> (identity while no key is configured), the
    /// <see cref="PredictionRedactor"/>, the re-encryption job (on demand, or in the background after start when configured)
    /// and the startup check that every stored key id is configured.
    /// </summary>
    public static IServiceCollection AddWardenPrivacy(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section);
        services.TryAddSingleton<PayloadCipher>();
        services.TryAddSingleton<PredictionRedactor>();
        services.TryAddSingleton<SqlPayloadReencryptor>();
        services.AddHostedService<PayloadKeyCheck>();

        // After the key check (hosted services start in order): rows are only moved once every stored key is known.
        services.TryAddSingleton<BackgroundReencryption>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<BackgroundReencryption>());
        return services;
    }
}
