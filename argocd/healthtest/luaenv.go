// Package healthtest runs the KafkaPrivateEndpoint health check the way Argo CD runs a health
// script given in argocd-cm (resource.customizations.health.<group>_<kind>), so that what passes
// here passes in Argo CD.
//
// What Argo CD does (util/lua/lua.go, gitops-engine pkg/health), and what this package mirrors:
//   - A script from argocd-cm runs with useOpenLibs false unless
//     resource.customizations.useOpenLibs.<group>_<kind> says "true" (only Argo CD's own built-in
//     scripts get the open libraries). So the LState is made with SkipOpenLibs and only the
//     package, base and table libraries are opened, in that order; then Argo CD's "safe os"
//     (time and date only) is registered under the name of the table library — which gopher-lua
//     ignores, the table module being loaded already, so there is no os global — and preloaded,
//     so require("os") gives it.
//     There is no string, math, io, os, debug or coroutine global: no string.find, no ("x"):sub().
//   - The resource is handed over as the global obj: maps become tables keyed by string, lists
//     become 1-based arrays, numbers become Lua numbers, null becomes nil.
//   - The script's return value must be a table; it is read as {status, message}. A status that is
//     not one of Argo CD's health codes becomes Unknown with "Lua returned an invalid health status".
//   - The script has one second to finish.
//   - Before any script runs, a resource with metadata.deletionTimestamp is "Progressing: Pending
//     deletion" (gitops-engine's GetResourceHealth): Argo CD never asks the script about a resource
//     being deleted. ArgoHealth models that step; Health is the script alone.
package healthtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	"sigs.k8s.io/yaml"
)

// Status is what a health script returns, and what health_test.yaml expects.
type Status struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

var validCodes = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true, "Suspended": true, "Missing": true, "Unknown": true,
}

// Health runs script over obj under Argo CD's restricted libraries and returns what it says.
func Health(script string, obj map[string]interface{}) (Status, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, openSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return Status{}, fmt.Errorf("opening %q: %w", lib.name, err)
		}
	}
	l.PreloadModule(lua.OsLibName, loadSafeOs)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return Status{}, err
	}
	returned := l.Get(-1)
	if returned.Type() != lua.LTTable {
		return Status{}, fmt.Errorf("expect table output from Lua script, not %s", returned.Type())
	}
	table := returned.(*lua.LTable)
	status := Status{}
	if s, ok := table.RawGetString("status").(lua.LString); ok {
		status.Status = string(s)
	}
	if m, ok := table.RawGetString("message").(lua.LString); ok {
		status.Message = string(m)
	}
	if !validCodes[status.Status] {
		return Status{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
	}
	return status, nil
}

// ArgoHealth is what Argo CD shows for obj: "Pending deletion" while it is being deleted, else the script's answer.
func ArgoHealth(script string, obj map[string]interface{}) (Status, error) {
	if meta, ok := obj["metadata"].(map[string]interface{}); ok && meta["deletionTimestamp"] != nil {
		return Status{Status: "Progressing", Message: "Pending deletion"}, nil
	}
	return Health(script, obj)
}

// toLua converts a decoded JSON/YAML value as Argo CD hands the live object to the script.
func toLua(l *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case json.Number:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case int32:
		return lua.LNumber(v)
	case int64:
		return lua.LNumber(v)
	case []interface{}:
		array := l.CreateTable(len(v), 0)
		for _, item := range v {
			array.Append(toLua(l, item))
		}
		return array
	case map[string]interface{}:
		table := l.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetH(lua.LString(key), toLua(l, item))
		}
		return table
	}
	return lua.LNil
}

// Argo CD's "safe os": only time() and date(). Our own small version; the health check uses neither,
// they are here so the environment has the same names as Argo CD's.
var safeOsFunctions = map[string]lua.LGFunction{
	"time": func(l *lua.LState) int {
		if l.GetTop() == 0 {
			l.Push(lua.LNumber(time.Now().Unix()))
			return 1
		}
		t := l.CheckTable(1)
		field := func(name string, otherwise int) int {
			if n, ok := t.RawGetString(name).(lua.LNumber); ok {
				return int(n)
			}
			return otherwise
		}
		at := time.Date(field("year", -1), time.Month(field("month", -1)), field("day", -1),
			field("hour", 12), field("min", 0), field("sec", 0), 0, time.Local)
		l.Push(lua.LNumber(at.Unix()))
		return 1
	},
	"date": func(l *lua.LState) int {
		l.Push(lua.LString(time.Now().Format(time.RFC3339)))
		return 1
	},
}

func openSafeOs(l *lua.LState) int {
	// As Argo CD does: registered under the table library's name.
	l.Push(l.RegisterModule(lua.TabLibName, safeOsFunctions))
	return 1
}

func loadSafeOs(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), safeOsFunctions))
	return 1
}

// ReadObject reads a YAML (or JSON) resource as Argo CD's tests do: YAML → JSON → map.
func ReadObject(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	obj := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return obj, nil
}
