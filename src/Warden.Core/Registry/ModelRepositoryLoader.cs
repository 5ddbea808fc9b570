using System.Text.Json;
using Microsoft.Extensions.Logging;
using Warden.Contracts.Registry;

namespace Warden.Core.Registry;

/// <summary>
/// Loads a Triton-style model repository (<c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c> with an optional
/// <c>card.json</c>) into the registry. Versions already registered with the same bytes are skipped; a version whose bytes
/// differ from the registered ones is refused, because versions are immutable. A model without a production version gets
/// its highest version promoted. A <c>background.csv</c> beside the model is stored as the version's background sample.
/// </summary>
public sealed partial class ModelRepositoryLoader(ModelRegistry registry, Explanations.BackgroundStore backgrounds, ILogger<ModelRepositoryLoader> logger)
{
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);

    /// <summary>Loads every model under <paramref name="root"/>; returns the number of versions deployed.</summary>
    public async Task<int> LoadAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"model repository '{root}' does not exist");
        }

        var deployed = 0;
        foreach (var modelDir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var model = Path.GetFileName(modelDir);
            var versions = Directory.GetDirectories(modelDir)
                .Select(d => (Dir: d, Label: Path.GetFileName(d)))
                .Where(v => long.TryParse(v.Label, out var n) && n > 0 && File.Exists(Path.Combine(v.Dir, "model.onnx")))
                .OrderBy(v => long.Parse(v.Label, System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            foreach (var (dir, label) in versions)
            {
                var bytes = await File.ReadAllBytesAsync(Path.Combine(dir, "model.onnx"), cancellationToken).ConfigureAwait(false);
                var sha = ModelBlobStore.Sha256(bytes);
                if (registry.Models.TryGetValue(model, out var registered) && registered.FindVersion(label) is { } existing)
                {
                    if (existing.Sha256 != sha)
                    {
                        LogImmutable(model, label);
                    }
                    else if (File.Exists(Path.Combine(dir, "background.csv")))
                    {
                        // Versions registered before backgrounds were kept get theirs now; an existing sample is never replaced.
                        await backgrounds.PutAsync(model, label, await File.ReadAllTextAsync(Path.Combine(dir, "background.csv"), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                var cardPath = Path.Combine(dir, "card.json");
                var card = File.Exists(cardPath)
                    ? JsonSerializer.Deserialize<ModelCard>(await File.ReadAllTextAsync(cardPath, cancellationToken).ConfigureAwait(false), CardJson) ?? new ModelCard()
                    : new ModelCard { Name = model };
                var backgroundPath = Path.Combine(dir, "background.csv");
                var background = File.Exists(backgroundPath) ? await File.ReadAllTextAsync(backgroundPath, cancellationToken).ConfigureAwait(false) : null;
                await registry.DeployAsync(model, bytes, card, "system", label, ModelStages.Staging, cancellationToken).ConfigureAwait(false);
                if (background is not null)
                {
                    await backgrounds.PutAsync(model, label, background, cancellationToken).ConfigureAwait(false);
                }

                deployed++;
            }

            if (versions.Count > 0 && registry.Models.TryGetValue(model, out var after) && after.ProductionVersion is null)
            {
                await registry.SetStageAsync(model, versions[^1].Label, ModelStages.Production, "system", "model repository load", cancellationToken).ConfigureAwait(false);
            }
        }

        return deployed;
    }

    [LoggerMessage(1, LogLevel.Warning, "Model repository holds different bytes for {Model} version {Version} than the registry; versions are immutable, so it is skipped")]
    private partial void LogImmutable(string model, string version);
}
