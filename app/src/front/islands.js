((js, wasm) => {
	// Hydrates each island in document order; an island's children rendered by the server stay as they are.
	async function hydrateIslands(node, mod, childrenHooks) {
		if (node.nodeType !== Node.ELEMENT_NODE) return;
		const tag = node.tagName.toLowerCase();
		if (tag === "leptos-island") {
			const island = mod[node.dataset.component];
			if (island) {
				const hook = childrenHooks[childrenHooks.length - 1];
				if (hook) hook();
				await island(node);
			} else {
				console.warn(`No code for the island ${node.dataset.component}.`);
			}
		}
		const isChildren = tag === "leptos-children";
		if (isChildren) childrenHooks.push(node.$$on_hydrate);
		for (const child of node.children) await hydrateIslands(child, mod, childrenHooks);
		if (isChildren) childrenHooks.pop();
	}
	import(js).then(async (mod) => {
		await mod.default({ module_or_path: wasm });
		mod.hydrate();
		await hydrateIslands(document.body, mod, []);
		document.documentElement.setAttribute("data-hydrated", "true");
	});
})
