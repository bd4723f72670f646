import type { DownOptions, DownResult, Plan, PlanOptions, Project, Runtime, Stack, UpOptions } from '@selur/compose';

/**
 * OpenTelemetry traces of the CLI's `up`, `down` and `plan`, when the standard environment asks
 * for them: `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set, and neither
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`. The spans go over OTLP/HTTP (the
 * exporter reads the other `OTEL_EXPORTER_OTLP_*` variables itself: headers, timeout, protocol).
 * Nothing of OpenTelemetry is loaded otherwise.
 */
export interface CliTracing {
  up<P extends Project>(project: P, options: UpOptions): Promise<Stack<P>>;
  down(project: Project, options: DownOptions & { readonly runtime?: Runtime | undefined }): Promise<DownResult>;
  plan(project: Project, runtime: Runtime, options?: PlanOptions): Promise<Plan>;
  /** Sends what is buffered; the CLI calls it before it exits. */
  flush(): Promise<void>;
}

/** Whether the environment asks for traces. */
export function tracingWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['OTEL_SDK_DISABLED']?.toLowerCase() === 'true') return false;
  if (env['OTEL_TRACES_EXPORTER'] !== undefined && env['OTEL_TRACES_EXPORTER'].split(',').map((s) => s.trim()).includes('none')) return false;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

let loaded: Promise<CliTracing | undefined> | undefined;

/** The tracing of this process (made once), or undefined when the environment does not ask for it. */
export function cliTracing(env: Readonly<Record<string, string | undefined>>, warn: (text: string) => void): Promise<CliTracing | undefined> {
  if (!tracingWanted(env)) return Promise.resolve(undefined);
  loaded ??= (async () => {
    try {
      const [{ composeTracing }, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
        import('@selur/compose/otel'),
        import('@opentelemetry/sdk-trace-base'),
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/resources'),
      ]);
      const provider = new sdk.BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? 'selur-compose' }),
        spanProcessors: [new sdk.BatchSpanProcessor(new OTLPTraceExporter())],
      });
      const tracing = composeTracing({ tracerProvider: provider });
      return {
        up: (project, options) => tracing.up(project, options),
        down: (project, options) => tracing.down(project, options),
        plan: (project, runtime, options) => tracing.plan(project, runtime, options),
        flush: () => provider.forceFlush().catch((error: unknown) => warn(`OpenTelemetry: could not send the traces: ${error instanceof Error ? error.message : String(error)}`)),
      } satisfies CliTracing;
    } catch (error) {
      warn(`OpenTelemetry: OTEL_EXPORTER_OTLP_ENDPOINT is set, but the tracing packages could not be loaded (${error instanceof Error ? error.message : String(error)}); no traces are sent`);
      return undefined;
    }
  })();
  return loaded;
}
