((js, wasm) => {
	import(js).then(async (mod) => {
		await mod.default({ module_or_path: wasm });
		mod.hydrate();
	});
})
