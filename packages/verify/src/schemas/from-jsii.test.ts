/**
 * The jsii -> schema mapping on a small assembly written in the exact shape of
 * @cdktf/provider-aws's `.jsii` (class docs link, `config` struct, doc anchors, unions with
 * cdktf.IResolvable), plus the generated-JS enrichment on a module in cdktf's generated style.
 */
import { describe, expect, it } from 'vitest';
import { enrichFromJs, parseGeneratedJs } from './from-cdktf-js';
import { anchorName, extractFromJsii, type JsiiAssembly, type JsiiProperty, type JsiiType } from './from-jsii';

const DOCS = 'https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs';
const P = '@cdktf/provider-aws';

function prop(name: string, tfName: string, type: JsiiProperty['type'], opts: { optional?: boolean; block?: boolean; cls?: string } = {}): JsiiProperty {
  const link = `{@link ${DOCS}/resources/widget#${tfName} ${opts.cls ?? 'Widget'}#${tfName}}`;
  return {
    name,
    optional: opts.optional,
    docs: opts.block ? { summary: `${tfName} block.`, remarks: `Docs at Terraform Registry: ${link}` } : { summary: `Docs at Terraform Registry: ${link}.` },
    type,
  };
}

const resolvable = (t: JsiiProperty['type']): JsiiProperty['type'] => ({ union: { types: [{ fqn: 'cdktf.IResolvable' }, t] } });

function struct(fqn: string, properties: JsiiProperty[], interfaces?: string[]): JsiiType {
  return { fqn, kind: 'interface', name: fqn.split('.').pop()!, datatype: true, properties, interfaces, locationInModule: { filename: 'src/widget/index.ts', line: 1 } };
}

const assembly: JsiiAssembly = {
  name: P,
  version: '21.0.0',
  types: {
    [`${P}.widget.Widget`]: {
      fqn: `${P}.widget.Widget`,
      kind: 'class',
      name: 'Widget',
      docs: { summary: `Represents a {@link ${DOCS}/resources/widget aws_widget}.` },
      initializer: { parameters: [{ name: 'scope', type: { fqn: 'constructs.Construct' } }, { name: 'id', type: { primitive: 'string' } }, { name: 'config', type: { fqn: `${P}.widget.WidgetConfig` } }] },
      locationInModule: { filename: 'src/widget/index.ts', line: 1 },
    },
    [`${P}.widget.WidgetConfig`]: struct(
      `${P}.widget.WidgetConfig`,
      [
        prop('widgetName', 'widget_name', { primitive: 'string' }),
        prop('equalTo', 'equals', { collection: { kind: 'array', elementtype: { primitive: 'string' } } }, { optional: true }),
        prop('sizeInGb', 'size_in_gb', { primitive: 'number' }, { optional: true }),
        prop('enabled', 'enabled', resolvable({ primitive: 'boolean' }), { optional: true }),
        prop('tags', 'tags', { collection: { kind: 'map', elementtype: { primitive: 'string' } } }, { optional: true }),
        prop('settings', 'settings', { fqn: `${P}.widget.WidgetSettings` }, { block: true }),
        prop('rule', 'rule', resolvable({ collection: { kind: 'array', elementtype: { fqn: `${P}.widget.WidgetRule` } } }), { optional: true, block: true }),
        prop('ingress', 'ingress', resolvable({ collection: { kind: 'array', elementtype: { fqn: `${P}.widget.WidgetIngress` } } }), { optional: true }),
        prop('statement', 'statement', { primitive: 'any' }, { optional: true, block: true }),
      ],
      ['cdktf.TerraformMetaArguments'],
    ),
    [`${P}.widget.WidgetSettings`]: struct(`${P}.widget.WidgetSettings`, [prop('mode', 'mode', { primitive: 'string' }, { optional: true })]),
    [`${P}.widget.WidgetRule`]: struct(`${P}.widget.WidgetRule`, [prop('priority', 'priority', { primitive: 'number' })]),
    [`${P}.widget.WidgetIngress`]: struct(`${P}.widget.WidgetIngress`, [
      prop('selfAttribute', 'self', resolvable({ primitive: 'boolean' }), { optional: true }),
      prop('fromPort', 'from_port', { primitive: 'number' }, { optional: true }),
    ]),
    [`${P}.provider.AwsProvider`]: {
      fqn: `${P}.provider.AwsProvider`,
      kind: 'class',
      name: 'AwsProvider',
      docs: { summary: `Represents a {@link ${DOCS} aws}.` },
      initializer: { parameters: [{ name: 'config', type: { fqn: `${P}.provider.AwsProviderConfig` } }] },
      locationInModule: { filename: 'src/provider/index.ts', line: 1 },
    },
    [`${P}.provider.AwsProviderConfig`]: struct(`${P}.provider.AwsProviderConfig`, [
      { name: 'alias', optional: true, docs: { summary: 'Alias name.', remarks: `Docs at Terraform Registry: {@link ${DOCS}#alias AwsProvider#alias}` }, type: { primitive: 'string' } },
      {
        name: 'region',
        optional: true,
        // a second registry link in the description must not be taken for the anchor
        docs: { summary: `See the [provider configuration](https://registry.terraform.io/providers/hashicorp/aws/latest/docs#aws-configuration-reference).`, remarks: `Docs at Terraform Registry: {@link ${DOCS}#region AwsProvider#region}` },
        type: { primitive: 'string' },
      },
    ]),
  },
};

describe('extractFromJsii', () => {
  const result = extractFromJsii(assembly);
  const widget = result.schema.resource_schemas?.aws_widget?.block;

  it('finds the provider, its version and the resource by the class docs link', () => {
    expect(result.address).toBe('registry.terraform.io/hashicorp/aws');
    expect(result.version).toBe('6.25.0');
    expect(result.entities.map((e) => `${e.kind}:${e.name}`).sort()).toEqual(['provider:aws', 'resource:aws_widget']);
  });

  it('names arguments by the doc anchor and maps their types', () => {
    expect(widget?.attributes).toEqual({
      widget_name: { type: 'string', required: true },
      equals: { type: ['list', 'string'], optional: true },
      size_in_gb: { type: 'number', optional: true },
      enabled: { type: 'bool', optional: true },
      tags: { type: ['map', 'string'], optional: true },
      ingress: { type: ['list', ['object', { self: 'bool', from_port: 'number' }]], optional: true },
    });
    expect(result.counts['name differs from snake_case(property)']).toBe(1);
  });

  it('makes struct properties documented as blocks into nested blocks', () => {
    expect(widget?.block_types?.settings).toEqual({ nesting_mode: 'list', min_items: 1, max_items: 1, block: { attributes: { mode: { type: 'string', optional: true } } } });
    expect(widget?.block_types?.rule).toEqual({ nesting_mode: 'list', block: { attributes: { priority: { type: 'number', required: true } } } });
    expect(widget?.block_types?.statement).toEqual({ nesting_mode: 'list', block: { opaque: true } });
  });

  it('leaves out meta-arguments and the provider alias', () => {
    expect(result.schema.provider?.block).toEqual({ attributes: { region: { type: 'string', optional: true } } });
    expect(anchorName(assembly.types[`${P}.provider.AwsProviderConfig`]!.properties![1]!)).toBe('region');
  });
});

/** A module in the style cdktf generates (lib/widget/index.js), trimmed to what is read. */
const GENERATED_JS = `"use strict";
const cdktf = require("cdktf");
function widgetRuleToHclTerraform(struct) {
    const attrs = {
        priority: { value: cdktf.numberToHclTerraform(struct.priority), isBlock: false, type: "simple", storageClassType: "number" },
    };
    return attrs;
}
class WidgetRuleOutputReference extends cdktf.ComplexObject {
    get priority() {
        return this.getNumberAttribute('priority');
    }
    // rule_id - computed: true, optional: false, required: false
    get ruleId() {
        return this.getStringAttribute('rule_id');
    }
}
class WidgetRuleList extends cdktf.ComplexList {
    get(index) {
        return new WidgetRuleOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
    }
}
class WidgetEndpointsOutputReference extends cdktf.ComplexObject {
    // address - computed: true, optional: false, required: false
    get address() {
        return this.getStringAttribute('address');
    }
    // ports - computed: true, optional: false, required: false
    get ports() {
        return cdktf.Fn.tolist(this.getNumberListAttribute('ports'));
    }
}
class WidgetEndpointsList extends cdktf.ComplexList {
    get(index) {
        return new WidgetEndpointsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
    }
}
class Widget extends cdktf.TerraformResource {
    constructor(scope, id, config) {
        super(scope, id, {});
        // endpoints - computed: true, optional: false, required: false
        this._endpoints = new WidgetEndpointsList(this, "endpoints", true);
        // labels - computed: true, optional: false, required: false
        this._labels = new cdktf.StringMap(this, "labels");
        // rule - computed: false, optional: true, required: false
        this._rule = new WidgetRuleList(this, "rule", true);
    }
    // arn - computed: true, optional: false, required: false
    get arn() {
        return this.getStringAttribute('arn');
    }
    get equals() {
        return cdktf.Fn.tolist(this.getListAttribute('equals'));
    }
    // size_in_gb - computed: true, optional: true, required: false
    get sizeInGb() {
        return this.getNumberAttribute('size_in_gb');
    }
    get endpoints() {
        return this._endpoints;
    }
    synthesizeHclAttributes() {
        const attrs = {
            equals: { value: null, isBlock: false, type: "set", storageClassType: "stringList" },
            settings: { value: null, isBlock: true, type: "struct", storageClassType: "WidgetSettings" },
            rule: { value: null, isBlock: true, type: "set", storageClassType: "WidgetRuleList" },
            ingress: { value: null, isBlock: true, type: "set", storageClassType: "WidgetIngressList" },
        };
        return attrs;
    }
}
`;

describe('enrichFromJs', () => {
  const result = extractFromJsii(assembly);
  const mod = parseGeneratedJs('lib/widget/index.js', GENERATED_JS);
  const report = enrichFromJs(assembly, result, new Map([['widget', mod]]));
  const widget = result.schema.resource_schemas!.aws_widget!.block;

  it('parses getters, complex attributes and the argument table', () => {
    expect(mod.classes.get('Widget')?.attributes.get('arn')).toMatchObject({ getterKind: 'String', flags: { computed: true, optional: false, required: false } });
    expect(mod.classes.get('Widget')?.attributes.get('endpoints')).toMatchObject({ complexClass: 'WidgetEndpointsList', wrapsSet: true });
    expect(mod.classes.get('WidgetEndpointsList')?.elementClass).toBe('WidgetEndpointsOutputReference');
    expect(mod.hclFunctions.get('widgetRuleToHclTerraform')?.get('priority')).toEqual({ isBlock: false, type: 'simple', storageClassType: 'number' });
  });

  it('adds computed-only attributes with their types', () => {
    expect(widget.attributes?.arn).toEqual({ type: 'string', computed: true });
    expect(widget.attributes?.labels).toEqual({ type: ['map', 'string'], computed: true });
    expect(widget.attributes?.endpoints).toEqual({ type: ['set', ['object', { address: 'string', ports: ['set', 'number'] }]], computed: true });
    expect(widget.block_types?.rule?.block.attributes?.rule_id).toEqual({ type: 'string', computed: true });
  });

  it('sets list/set/single nesting and computed flags', () => {
    expect(widget.attributes?.equals?.type).toEqual(['set', 'string']);
    expect(widget.attributes?.size_in_gb).toEqual({ type: 'number', optional: true, computed: true });
    expect(widget.block_types?.rule?.nesting_mode).toBe('set');
    expect(widget.block_types?.settings).toEqual({ nesting_mode: 'single', min_items: 1, block: { attributes: { mode: { type: 'string', optional: true } } } });
    expect(widget.attributes?.ingress?.type).toEqual(['set', ['object', { self: 'bool', from_port: 'number' }]]);
  });

  it('reports what it could not reconcile', () => {
    expect(report.counts['attribute per assembly, block per JS']).toBe(1);
    expect(report.issues.map((i) => i.where)).toContain('aws_widget.ingress');
  });
});
