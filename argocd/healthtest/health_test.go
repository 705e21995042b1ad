package healthtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const (
	root          = "../.."
	customization = root + "/argocd/resource_customizations/kafka.privateendpoint.io/KafkaPrivateEndpoint"
	healthScript  = customization + "/health.lua"
	healthTests   = customization + "/health_test.yaml"
	chartReadme   = root + "/helm/kafka-private-endpoint-operator/README.md"
	cmPatch       = root + "/argocd/argocd-cm-patch.yaml"
	beginCaptured = "# BEGIN captured"
	endCaptured   = "# END captured"
	beginReadme   = "<!-- BEGIN argocd-health: generated from argocd/resource_customizations/kafka.privateendpoint.io/KafkaPrivateEndpoint/health.lua (KPE_ARGOCD_UPDATE=1 in argocd/healthtest) -->"
	endReadme     = "<!-- END argocd-health -->"
	// KPE_ARGOCD_UPDATE=1 rewrites what is generated: the captured copies in testdata and their
	// entries in health_test.yaml (from KPE_ARGOCD_CAPTURED), the README snippet and the ConfigMap patch.
	updateEnv = "KPE_ARGOCD_UPDATE"
)

type healthTest struct {
	HealthStatus Status `json:"healthStatus"`
	InputPath    string `json:"inputPath"`
}

type healthTestFile struct {
	Tests []healthTest `json:"tests"`
}

// expectation is what e2e's ArgoCdCapture writes beside each captured object.
type expectation struct {
	ID         string `json:"id"`
	CapturedBy string `json:"capturedBy"`
	Condition  struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	} `json:"condition"`
	HealthStatus Status `json:"healthStatus"`
}

func updating() bool { return os.Getenv(updateEnv) == "1" }

func readScript(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(healthScript)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func readTests(t *testing.T) healthTestFile {
	t.Helper()
	data, err := os.ReadFile(healthTests)
	if err != nil {
		t.Fatal(err)
	}
	var file healthTestFile
	if err := yaml.UnmarshalStrict(data, &file); err != nil {
		t.Fatalf("%s: %v", healthTests, err)
	}
	return file
}

// Every case of health_test.yaml, as Argo CD's own TestLuaHealthScript runs them, but with the
// libraries a script from argocd-cm gets.
func TestHealthChecks(t *testing.T) {
	script := readScript(t)
	file := readTests(t)
	if len(file.Tests) == 0 {
		t.Fatal("health_test.yaml has no tests")
	}
	for _, test := range file.Tests {
		test := test
		t.Run(test.InputPath, func(t *testing.T) {
			obj, err := ReadObject(filepath.Join(customization, test.InputPath))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Health(script, obj)
			if err != nil {
				t.Fatalf("health.lua failed: %v", err)
			}
			if got != test.HealthStatus {
				t.Errorf("health.lua said %+v, health_test.yaml expects %+v", got, test.HealthStatus)
			}
		})
	}
}

// Every file in testdata is used, and every captured one looks like it came from an API server.
func TestTestdataIsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, test := range readTests(t).Tests {
		listed[test.InputPath] = true
	}
	files, err := filepath.Glob(filepath.Join(customization, "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := "testdata/" + filepath.Base(file)
		if !listed[name] {
			t.Errorf("%s is not in health_test.yaml", name)
		}
		if strings.HasPrefix(filepath.Base(file), "captured-") {
			obj, err := ReadObject(file)
			if err != nil {
				t.Fatal(err)
			}
			meta, _ := obj["metadata"].(map[string]interface{})
			for _, field := range []string{"uid", "resourceVersion", "creationTimestamp", "generation"} {
				if meta[field] == nil {
					t.Errorf("%s has no metadata.%s: not an object read back from the API server", name, field)
				}
			}
		}
	}
}

// The restriction is real: what Argo CD does not open, a script cannot use.
func TestOnlyArgoCdLibrariesAreOpen(t *testing.T) {
	obj := map[string]interface{}{"metadata": map[string]interface{}{"name": "x", "generation": int64(3)}}
	for _, script := range []string{
		`if string.find(obj.metadata.name, "x") then return {status = "Healthy"} end`,
		`return {status = ("x"):upper()}`,
		`return {status = string.format("%s", "Healthy")}`,
		`return {status = "Healthy", message = tostring(math.floor(1.5))}`,
		`io.write("x") return {status = "Healthy"}`,
		`os.exit(1)`,
		`return {status = "Healthy", message = debug.traceback()}`,
	} {
		if got, err := Health(script, obj); err == nil {
			t.Errorf("%q ran (%+v): a library Argo CD does not open is open here", script, got)
		}
	}
	// What Argo CD does give: base, table, package, its safe os (time, date) and concatenation of numbers.
	for script, want := range map[string]Status{
		`local t = {} table.insert(t, "Healthy") return {status = t[1], message = "generation " .. obj.metadata.generation}`:          {"Healthy", "generation 3"},
		`local os = require("os") return {status = type(os.time()) == "number" and "Healthy" or "Degraded", message = tostring(nil)}`: {"Healthy", "nil"},
		// Argo CD registers its safe os under the table library's name; gopher-lua leaves an already
		// loaded module as it is, so neither table.time nor an os global exists: only require("os").
		`return {status = (table.time == nil and os == nil) and "Progressing" or "Degraded", message = ""}`: {"Progressing", ""},
		`return {status = "Broken", message = "x"}`:                                                         {"Unknown", "Lua returned an invalid health status"},
	} {
		got, err := Health(script, obj)
		if err != nil {
			t.Errorf("%q failed: %v", script, err)
		} else if got != want {
			t.Errorf("%q returned %+v, want %+v", script, got, want)
		}
	}
}

// Argo CD shows a resource being deleted as "Pending deletion" before it asks any script.
func TestArgoCdAsksNoScriptWhileDeleting(t *testing.T) {
	obj, err := ReadObject(filepath.Join(customization, "testdata", "deleting.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ArgoHealth(readScript(t), obj)
	if err != nil || got != (Status{"Progressing", "Pending deletion"}) {
		t.Errorf("ArgoHealth = %+v, %v", got, err)
	}
}

// The objects the operator wrote in this run's integration tests (KPE_ARGOCD_CAPTURED, set by
// hack/test.sh after Maven): health.lua must say what each test expected, with the message of the
// condition the test waited on, and each must have the same shape as its committed copy.
func TestCapturedFromIntegrationTests(t *testing.T) {
	dir := os.Getenv("KPE_ARGOCD_CAPTURED")
	if dir == "" {
		t.Skip("KPE_ARGOCD_CAPTURED is not set: no integration-test captures to check (hack/test.sh sets it after Maven)")
	}
	expectedFiles, err := filepath.Glob(filepath.Join(dir, "*.expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(expectedFiles) == 0 {
		t.Fatalf("no captures in %s: did the integration tests run?", dir)
	}
	script := readScript(t)
	committedStatus := map[string]string{}
	for _, test := range readTests(t).Tests {
		committedStatus[filepath.Base(test.InputPath)] = test.HealthStatus.Status
	}
	var entries []healthTest
	fresh := map[string]bool{}
	for _, expectedFile := range expectedFiles {
		data, err := os.ReadFile(expectedFile)
		if err != nil {
			t.Fatal(err)
		}
		var want expectation
		if err := yaml.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", expectedFile, err)
		}
		fresh[want.ID] = true
		objectFile := strings.TrimSuffix(expectedFile, ".expected.yaml") + ".yaml"
		committed := filepath.Join(customization, "testdata", "captured-"+want.ID+".yaml")
		t.Run(want.ID, func(t *testing.T) {
			obj, err := ReadObject(objectFile)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Health(script, obj)
			if err != nil {
				t.Fatalf("health.lua failed on %s: %v", objectFile, err)
			}
			if got != want.HealthStatus {
				t.Errorf("%s (captured by %s at %s %s): health.lua said %+v, the test expects %+v", objectFile,
					want.CapturedBy, want.Condition.Type, want.Condition.Reason, got, want.HealthStatus)
			}
			if updating() {
				data, err := os.ReadFile(objectFile)
				if err == nil {
					err = os.WriteFile(committed, data, 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if listed, ok := committedStatus[filepath.Base(committed)]; ok && listed != want.HealthStatus.Status {
				t.Errorf("capture %s: the test now expects %s, health_test.yaml says %s; run with %s=1", want.ID,
					want.HealthStatus.Status, listed, updateEnv)
			}
			before, err := ReadObject(committed)
			if err != nil {
				t.Fatalf("no committed copy of capture %s (%v); run with %s=1 to add it", want.ID, err, updateEnv)
			}
			if a, b := shape(before, want.Condition.Type), shape(obj, want.Condition.Type); a != b {
				t.Errorf("capture %s changed shape since it was committed; check health.lua still fits, then run with %s=1\ncommitted: %s\nnow:       %s",
					want.ID, updateEnv, a, b)
			}
		})
		entries = append(entries, healthTest{InputPath: "testdata/captured-" + want.ID + ".yaml", HealthStatus: want.HealthStatus})
	}
	committedFiles, _ := filepath.Glob(filepath.Join(customization, "testdata", "captured-*.yaml"))
	for _, file := range committedFiles {
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "captured-"), ".yaml")
		if !fresh[id] {
			if updating() {
				if err := os.Remove(file); err != nil {
					t.Fatal(err)
				}
			} else if os.Getenv("KPE_ARGOCD_REQUIRE_ALL") == "1" {
				t.Errorf("committed capture %s was not captured by this run's integration tests", id)
			}
		}
	}
	if updating() && !t.Failed() {
		writeCapturedEntries(t, entries)
	}
}

// shape is what a capture must keep between runs: which conditions there are, Ready's status and
// reason, those of the condition its test waited on, whether the status is for the current
// generation and whether the object is being deleted. The other conditions' statuses depend on
// timing (an NLB still provisioning while brokers roll), and names, messages and IDs differ per run.
func shape(obj map[string]interface{}, awaited string) string {
	meta, _ := obj["metadata"].(map[string]interface{})
	status, _ := obj["status"].(map[string]interface{})
	parts := []string{fmt.Sprint("kind=", obj["kind"]), fmt.Sprint("deleting=", meta["deletionTimestamp"] != nil),
		fmt.Sprint("current=", status != nil && fmt.Sprint(status["observedGeneration"]) == fmt.Sprint(meta["generation"])),
		fmt.Sprint("provider=", status["provider"])}
	conditions, _ := status["conditions"].([]interface{})
	for _, c := range conditions {
		condition, _ := c.(map[string]interface{})
		if condition["type"] == "Ready" || condition["type"] == awaited {
			parts = append(parts, fmt.Sprintf("%v=%v/%v", condition["type"], condition["status"], condition["reason"]))
		} else {
			parts = append(parts, fmt.Sprint(condition["type"]))
		}
	}
	return strings.Join(parts, " ")
}

func writeCapturedEntries(t *testing.T, entries []healthTest) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].InputPath < entries[j].InputPath })
	block, err := yaml.Marshal(entries)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(healthTests)
	if err != nil {
		t.Fatal(err)
	}
	text, err := replaceBetween(string(data), beginCaptured, endCaptured, string(block))
	if err != nil {
		t.Fatalf("%s: %v", healthTests, err)
	}
	if err := os.WriteFile(healthTests, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceBetween puts body between the lines begin and end (both kept).
func replaceBetween(text, begin, end, body string) (string, error) {
	i := strings.Index(text, begin+"\n")
	j := strings.Index(text, end)
	if i < 0 || j < i {
		return "", fmt.Errorf("no %q … %q block", begin, end)
	}
	return text[:i+len(begin)+1] + body + text[j:], nil
}

// argocdCm is the argocd-cm entry with health.lua, as the chart's README and argocd-cm-patch.yaml show it.
func argocdCm(script string) string {
	var b strings.Builder
	b.WriteString("# Merge into Argo CD's argocd-cm: kubectl -n argocd patch configmap argocd-cm --patch-file argocd-cm-patch.yaml\n")
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\n")
	b.WriteString("  labels:\n    app.kubernetes.io/part-of: argocd\ndata:\n")
	b.WriteString("  resource.customizations.health.kafka.privateendpoint.io_KafkaPrivateEndpoint: |\n")
	for _, line := range strings.Split(strings.TrimRight(script, "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
		} else {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

// The snippet in the chart's README and the ConfigMap patch are health.lua, to the byte.
func TestPublishedSnippetsAreHealthLua(t *testing.T) {
	script := readScript(t)
	cm := argocdCm(script)

	// The ConfigMap patch parses back to exactly the script.
	var parsed struct {
		Data map[string]string `json:"data"`
	}
	if err := yaml.Unmarshal([]byte(cm), &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Data["resource.customizations.health.kafka.privateendpoint.io_KafkaPrivateEndpoint"] != strings.TrimRight(script, "\n")+"\n" {
		t.Fatal("the generated argocd-cm entry does not parse back to health.lua")
	}

	readmeBody := "\n```yaml\n" + cm + "```\n"
	if updating() {
		if err := os.WriteFile(cmPatch, []byte(cm), 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(chartReadme)
		if err != nil {
			t.Fatal(err)
		}
		text, err := replaceBetween(string(data), beginReadme, endReadme, readmeBody)
		if err != nil {
			t.Fatalf("%s: %v", chartReadme, err)
		}
		if err := os.WriteFile(chartReadme, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	patch, err := os.ReadFile(cmPatch)
	if err != nil || string(patch) != cm {
		t.Errorf("%s is not health.lua's argocd-cm entry (%v); run with %s=1", cmPatch, err, updateEnv)
	}
	readme, err := os.ReadFile(chartReadme)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), beginReadme+"\n"+readmeBody+endReadme) {
		t.Errorf("the argocd-cm snippet in %s is not health.lua; run with %s=1", chartReadme, updateEnv)
	}
}
